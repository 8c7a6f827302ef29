/**
 * The trait matrix: every pair of the 100 shipped trait adjectives graded exactly once, the
 * verdicts in agreement with the relation files, and the CLI / API / validate / lint behaviour
 * around it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintGraph } from '../src/analysis/lint.js';
import { type Catalog, type CompatibleVerdict, FACETS, type TraitPair, isTrait } from '../src/model/index.js';
import { loadSeed, loadTraitVerdicts } from '../src/store/seed.js';
import { type Api, startApi } from './helpers/api.js';
import { makePattern, makeRelation, miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

let catalog: Catalog;
let verdicts: CompatibleVerdict[];
let pairs: TraitPair[];
let api: Api;

beforeAll(async () => {
  catalog = await loadSeed();
  verdicts = await loadTraitVerdicts();
  const run = await runCli(['traits', '--json']);
  expect(run.code, run.stderr).toBe(0);
  pairs = JSON.parse(run.stdout) as TraitPair[];
  api = await startApi({ traitVerdicts: verdicts });
});
afterAll(async () => {
  await api.stop();
});

const traits = () => catalog.patterns.filter(isTrait);

describe('the shipped trait matrix', () => {
  it('lists all 4,950 pairs, each exactly once with a < b', () => {
    expect(pairs).toHaveLength(4950);
    const keys = new Set(pairs.map((p) => `${p.a}|${p.b}`));
    expect(keys.size).toBe(4950);
    const ids = new Set(traits().map((t) => t.id));
    for (const p of pairs) {
      expect(p.a < p.b, `${p.a} / ${p.b}`).toBe(true);
      expect(ids.has(p.a) && ids.has(p.b)).toBe(true);
    }
  });

  it('agrees with the relation files: EXCLUDES first, then the strongest causal type, else compatible', () => {
    const order = ['EXCLUDES', 'CONFLICTS', 'MODULATES', 'REINFORCES'];
    for (const p of pairs) {
      const rels = catalog.relations.filter(
        (r) => (r.source === p.a && r.target === p.b) || (r.source === p.b && r.target === p.a),
      );
      const expected = order.find((t) => rels.some((r) => r.type === t)) ?? 'compatible';
      expect(p.verdict, `${p.a} / ${p.b}`).toBe(expected);
      expect(p.relations ?? []).toEqual(rels.map((r) => r.id).sort());
    }
  });

  it('records every compatible pair in seed/trait-pairs.json, with a reason where the pair needs one', () => {
    const compatible = pairs.filter((p) => p.verdict === 'compatible');
    expect(verdicts).toHaveLength(compatible.length);
    const facet = new Map(traits().map((t) => [t.id, t]));
    for (const p of compatible) {
      const [a, b] = [facet.get(p.a)!, facet.get(p.b)!];
      const opposite = a.dimension === b.dimension && a.pole !== b.pole;
      const sameFacet = a.dimension === b.dimension && a.marker?.facet === b.marker?.facet;
      if (opposite || sameFacet) expect(p.reason, `${p.a} / ${p.b}`).toBeTruthy();
    }
  });

  it('anchors every trait to a facet of its own dimension, with a sense and senses it does not carry', () => {
    for (const t of traits()) {
      expect(t.marker, t.id).toBeDefined();
      expect(FACETS[t.dimension] as readonly string[]).toContain(t.marker!.facet);
      expect(t.marker!.sense.length, t.id).toBeGreaterThan(30);
      expect(t.marker!.notSenses.length, t.id).toBeGreaterThan(0);
    }
  });

  it('grades the pairs the review singled out as contradictions', () => {
    const verdict = (a: string, b: string) =>
      pairs.find((p) => p.a === [a, b].sort()[0] && p.b === [a, b].sort()[1])!.verdict;
    for (const [a, b] of [
      ['kind', 'callous'],
      ['kind', 'cruel'],
      ['soft-hearted', 'cruel'],
      ['talkative', 'withdrawn'],
      ['talkative', 'quiet'],
      ['dependable', 'irresponsible'],
      ['relaxed', 'nervous'],
      ['calm', 'anxious'],
      ['placid', 'quarrelsome'],
    ]) {
      expect(verdict(a!, b!), `${a} / ${b}`).toBe('EXCLUDES');
    }
  });

  it('has no opposite-pole or same-facet pair without a verdict, and passes lint', () => {
    const report = lintGraph(catalog, { traitVerdicts: verdicts });
    expect(report.errors.filter((e) => e.rule === 'ungraded-trait-pair')).toEqual([]);
    expect(report.errors.filter((e) => e.rule === 'excludes-with-causal')).toEqual([]);
  });
});

describe('psygraph traits', () => {
  it('prints a summary per dimension block without --json', async () => {
    const { code, stdout } = await runCli(['traits']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^block\s+pairs\s+EXCLUDES\s+CONFLICTS\s+MODULATES\s+REINFORCES\s+compatible/);
    expect(stdout).toMatch(/extraversion × agreeableness\s+400/);
    expect(stdout).toMatch(/\nall\s+4950/);
  });

  it('writes the matrix as CSV for spreadsheets', async () => {
    const { code, stdout } = await runCli(['traits', '--csv']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('a,b,verdict,relations,reason');
    expect(lines).toHaveLength(4951);
  });

  it('takes no positional arguments and names an unknown flag (exit 2)', async () => {
    const extra = await runCli(['traits', 'kind']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('too many arguments');
    const flag = await runCli(['traits', '--matrix']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--matrix'");
  });

  it('is served as GET /api/traits, the same array, and documented in the OpenAPI document', async () => {
    const res = await fetch(`${api.base}/api/traits`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(pairs);
    const doc = (await (await fetch(`${api.base}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(doc.paths['/api/traits']).toBeDefined();
  });
});

describe('psygraph validate on trait verdicts', () => {
  it('reports a missing, a duplicated and a contradictory verdict with file and JSON path (exit 2)', async () => {
    const tmp = await tempDir('psygraph-traits-');
    try {
      const c = miniCatalog();
      c.patterns.push(makePattern('shy', { kind: 'trait', dimension: 'extraversion', pole: '-' }));
      c.relations.push(makeRelation('EXCLUDES', 'insecure', 'shy'));
      const seedDir = await writeSeedDir(path.join(tmp.dir, 'seed'), c);
      const ids = c.patterns
        .filter(isTrait)
        .map((p) => p.id)
        .sort();
      expect(ids).toEqual(['insecure', 'quiet', 'shy', 'talkative']);
      const file: CompatibleVerdict[] = [
        { a: 'insecure', b: 'quiet', verdict: 'compatible' },
        { a: 'insecure', b: 'quiet', verdict: 'compatible' }, // duplicate
        { a: 'insecure', b: 'shy', verdict: 'compatible' }, // contradicts the EXCLUDES
        { a: 'quiet', b: 'shy', verdict: 'compatible', reason: 'both reticent; no tension' },
        // insecure / talkative missing; quiet / talkative is an EXCLUDES in the mini catalog
        { a: 'shy', b: 'talkative', verdict: 'compatible' }, // opposite poles without a reason
      ];
      await mkdir(seedDir, { recursive: true });
      await writeFile(path.join(seedDir, 'trait-pairs.json'), JSON.stringify(file));
      const { code, stderr } = await runCli(['validate', seedDir]);
      expect(code).toBe(2);
      const where = path.join(seedDir, 'trait-pairs.json');
      expect(stderr).toContain(`${where}: [1]: duplicate verdict for insecure / quiet (first at [0])`);
      expect(stderr).toContain(`${where}: [2].verdict: insecure / shy is judged compatible but has`);
      expect(stderr).toContain(`${where}: [4].reason: shy / talkative are opposite poles or one facet`);
      expect(stderr).toContain(`${where}: (root): no verdict for insecure / talkative`);
    } finally {
      await tmp.cleanup();
    }
  });

  it('checks a marker facet against the trait’s dimension', async () => {
    const tmp = await tempDir('psygraph-traits-');
    try {
      const c = miniCatalog();
      const quiet = c.patterns.find((p) => p.id === 'quiet')!;
      Object.assign(quiet, { marker: { facet: 'compassion', sense: 'speaks little', notSenses: ['calm'] } });
      const seedDir = await writeSeedDir(path.join(tmp.dir, 'seed'), c);
      const { code, stderr } = await runCli(['validate', seedDir]);
      expect(code).toBe(2);
      expect(stderr).toContain('marker.facet: "compassion" is not a facet of extraversion');
    } finally {
      await tmp.cleanup();
    }
  });
});
