/**
 * The shipped relation graph: the numbers the product promises, and checks that catch template
 * text and careless typing. lint's own rules are unit-tested in graph-tools.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { lintGraph } from '../src/analysis/lint.js';
import {
  type Catalog,
  type CompatibleVerdict,
  type Relation,
  buildTraitMatrix,
  isCausal,
  isTrait,
  rubricStrength,
} from '../src/model/index.js';
import { loadSeed, loadTraitVerdicts } from '../src/store/seed.js';
import { runCli } from './helpers/cli.js';
import { sentences } from './helpers/text.js';

let catalog: Catalog;
let causal: Relation[];
let traitVerdicts: CompatibleVerdict[];
beforeAll(async () => {
  catalog = await loadSeed();
  traitVerdicts = await loadTraitVerdicts();
  causal = catalog.relations.filter((r) => isCausal(r.type));
});

describe('the relation graph', () => {
  it('has at least 1,200 causal edges, each type at least 20% of them', () => {
    expect(causal.length).toBeGreaterThanOrEqual(1200);
    for (const type of ['REINFORCES', 'CONFLICTS', 'MODULATES']) {
      expect(causal.filter((r) => r.type === type).length / causal.length, type).toBeGreaterThanOrEqual(0.2);
    }
  });

  it('gives every pattern 4+ causal edges, a REINFORCES, and a CONFLICTS or MODULATES', () => {
    const thin = catalog.patterns
      .map((p) => {
        const mine = causal.filter((r) => r.source === p.id || r.target === p.id);
        const ok =
          mine.length >= 4 &&
          mine.some((r) => r.type === 'REINFORCES') &&
          mine.some((r) => r.type !== 'REINFORCES');
        return ok ? undefined : `${p.id} (${mine.map((r) => r.type).join(', ')})`;
      })
      .filter(Boolean);
    expect(thin).toEqual([]);
  });

  it('joins traits and social-cognitive patterns with at least 400 causal edges', () => {
    const kind = new Map(catalog.patterns.map((p) => [p.id, p.kind]));
    const cross = causal.filter((r) => kind.get(r.source) !== kind.get(r.target));
    expect(cross.length).toBeGreaterThanOrEqual(400);
  });

  it('lets EXCLUDES join only traits; a trait without an EXCLUDES partner has every opposite pole graded with a reason', () => {
    const kind = new Map(catalog.patterns.map((p) => [p.id, p.kind]));
    const excludes = catalog.relations.filter((r) => r.type === 'EXCLUDES');
    for (const r of excludes) expect([kind.get(r.source), kind.get(r.target)]).toEqual(['trait', 'trait']);
    const partnered = new Set(excludes.flatMap((r) => [r.source, r.target]));
    const traits = catalog.patterns.filter(isTrait);
    const matrix = buildTraitMatrix(catalog.patterns, catalog.relations, traitVerdicts);
    for (const t of traits.filter((x) => !partnered.has(x.id))) {
      const opposite = traits.filter((o) => o.dimension === t.dimension && o.pole !== t.pole);
      for (const o of opposite) {
        const pair = matrix.find((m) => (m.a === t.id && m.b === o.id) || (m.a === o.id && m.b === t.id))!;
        expect(pair.reason, `${t.id} / ${o.id}`).toBeTruthy();
      }
    }
  });

  it('explains each edge in 1-3 sentences, and 95% of rationales stay distinct with the names removed', () => {
    const names = new Map(catalog.patterns.map((p) => [p.id, [p.name, ...(p.aliases ?? [])]]));
    const shapes = new Set<string>();
    const long: string[] = [];
    for (const r of causal) {
      const n = sentences(r.rationale).length;
      if (n < 1 || n > 3) long.push(`${r.id}: ${n} sentences`);
      let text = r.rationale.toLowerCase();
      for (const name of [...(names.get(r.source) ?? []), ...(names.get(r.target) ?? [])].sort(
        (a, b) => b.length - a.length,
      )) {
        text = text.split(name.toLowerCase()).join('_');
      }
      shapes.add(
        text
          .replace(/[^a-z_ ]+/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      );
    }
    expect(long).toEqual([]);
    expect(shapes.size / causal.length).toBeGreaterThanOrEqual(0.95);
  });

  it('calibrates strengths and names a source for every edge it calls established, EXCLUDES included', () => {
    expect(new Set(causal.map((r) => r.strength)).size).toBeGreaterThanOrEqual(8);
    const unsourced = catalog.relations.filter(
      (r) => r.evidence.status === 'established' && !r.evidence.sources.length,
    );
    expect(unsourced.map((r) => r.id)).toEqual([]);
  });

  it('gives every causal edge a scope and a rubric strength', () => {
    const unscoped = causal.filter((r) => !('scope' in r) || !r.scope);
    expect(unscoped.map((r) => r.id)).toEqual([]);
    const off = causal.filter(
      (r) =>
        !('strengthBasis' in r) ||
        !r.strengthBasis ||
        rubricStrength(r.strengthBasis, r.evidence.status) !== r.strength,
    );
    expect(off.map((r) => r.id)).toEqual([]);
    // the scale is used: the weakest and strongest tenths differ, and fewer than 70% sit in 0.30-0.65
    const strengths = causal.map((r) => r.strength).sort((a, b) => a - b);
    expect(strengths[Math.floor(strengths.length * 0.1)]!).toBeLessThanOrEqual(0.25);
    expect(strengths[Math.floor(strengths.length * 0.9)]!).toBeGreaterThanOrEqual(0.65);
    const middle = strengths.filter((x) => x >= 0.3 && x <= 0.65).length / strengths.length;
    expect(middle).toBeLessThan(0.7);
  });

  it('grades evidence honestly: supported edges cite both sides, and 60%+ of causal edges have a source to follow', () => {
    const referenced = new Set(catalog.patterns.filter((p) => p.references?.length).map((p) => p.id));
    const followable = (r: Relation) =>
      r.evidence.sources.length > 0 || (referenced.has(r.source) && referenced.has(r.target));
    const unsupported = causal.filter((r) => r.evidence.status === 'supported' && !followable(r));
    expect(unsupported.map((r) => r.id)).toEqual([]);
    expect(causal.filter(followable).length / causal.length).toBeGreaterThanOrEqual(0.6);
  });

  it('links near-twins with VARIANT_OF and never also with REINFORCES', () => {
    const variants = catalog.relations.filter((r) => r.type === 'VARIANT_OF');
    expect(variants.length).toBeGreaterThanOrEqual(20);
    const key = (a: string, b: string) => [a, b].sort().join('|');
    const twinPairs = new Set(variants.map((r) => key(r.source, r.target)));
    for (const [a, b] of [
      ['jealous', 'jealousy'],
      ['psychological-reactance-theory', 'reactance'],
      ['social-comparison-bias', 'social-comparison-theory'],
    ]) {
      expect(twinPairs.has(key(a!, b!)), `${a} / ${b}`).toBe(true);
    }
    const both = causal.filter((r) => r.type === 'REINFORCES' && twinPairs.has(key(r.source, r.target)));
    expect(both.map((r) => r.id)).toEqual([]);
  });

  it('passes psygraph validate and lint with no errors', async () => {
    expect(lintGraph(catalog, { traitVerdicts }).errors).toEqual([]);
    const env = { PSYGRAPH_DATA_DIR: '.psygraph/never-written' };
    expect((await runCli(['validate'], env)).code).toBe(0);
    const lint = await runCli(['lint', '--errors-only'], env);
    expect(lint.stdout).toContain('errors (0)');
    expect(lint.code).toBe(0);
  });
});
