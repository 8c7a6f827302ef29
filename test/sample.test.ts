/**
 * Property tests of the sampler over thousands of seeded samples on a 244-pattern synthetic graph
 * (the shipped graph gets its own checks in relations.test.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  type Catalog,
  ConstraintError,
  InvalidInputError,
  MOTIFS,
  type Scenario,
  isCausal,
} from '../src/model/index.js';
import { scenarioId } from '../src/sample/assemble.js';
import { coverageReport, gini } from '../src/sample/coverage.js';
import { classifyMotif } from '../src/sample/motif.js';
import { type SampleOptions } from '../src/sample/options.js';
import { sampleScenarios } from '../src/sample/sample.js';
import { splitByEdges, splitByPatterns } from '../src/sample/splits.js';
import { syntheticCatalog } from '../src/sample/synthetic.js';
import { buildSamplerView } from '../src/sample/view.js';
import { miniCatalog } from './helpers/catalog.js';

const catalog = syntheticCatalog(244, 12, 7);
const view = buildSamplerView(catalog);
const pair = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
const excludes = new Set(
  catalog.relations.filter((r) => r.type === 'EXCLUDES').map((r) => pair(r.source, r.target)),
);
const causal = catalog.relations.filter((r) => isCausal(r.type));

function causalAmong(patterns: readonly string[]): string[] {
  const set = new Set(patterns);
  return causal
    .filter((r) => set.has(r.source) && set.has(r.target))
    .map((r) => r.id)
    .sort();
}

function connected(patterns: readonly string[], relations: readonly string[]): boolean {
  const rels = causal.filter((r) => relations.includes(r.id));
  const seen = new Set([patterns[0]]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of rels) {
      if (seen.has(r.source) !== seen.has(r.target)) {
        seen.add(r.source);
        seen.add(r.target);
        grew = true;
      }
    }
  }
  return patterns.every((p) => seen.has(p));
}

/** Every invariant a scenario draft must hold, whatever the strategy. */
function checkInvariants(scenarios: Scenario[], o: { size: [number, number]; connected: boolean }) {
  const ids = new Set<string>();
  for (const s of scenarios) {
    expect(s.patterns.length).toBeGreaterThanOrEqual(o.size[0]);
    expect(s.patterns.length).toBeLessThanOrEqual(o.size[1]);
    expect(new Set(s.patterns).size).toBe(s.patterns.length);
    expect(s.relations).toEqual(causalAmong(s.patterns));
    if (o.connected) expect(connected(s.patterns, s.relations)).toBe(true);
    const cast = s.characters.flatMap((c) => c.patterns).sort();
    expect(cast).toEqual([...s.patterns].sort());
    expect(s.characters[0]!.role).toBe('protagonist');
    for (const c of s.characters) {
      // the protagonist always carries a pattern; a supporting character may be a scene partner
      if (c.role === 'protagonist') expect(c.patterns.length).toBeGreaterThan(0);
      expect(c.patterns.length).toBeLessThanOrEqual(s.characters[0]!.patterns.length);
      for (let i = 0; i < c.patterns.length; i++) {
        for (let j = i + 1; j < c.patterns.length; j++)
          expect(excludes.has(pair(c.patterns[i]!, c.patterns[j]!))).toBe(false);
      }
    }
    expect(s.id).toBe(
      scenarioId(
        s.patterns,
        s.situation,
        s.characters.map((c) => c.patterns),
      ),
    );
    expect(ids.has(s.id)).toBe(false);
    ids.add(s.id);
    const relIds = new Set(s.relations);
    expect(s.motif).toBe(
      classifyMotif(
        s.patterns.map((p) => view.indexOf.get(p)!),
        view.edges.filter((e) => relIds.has(e.id)),
      ),
    );
  }
}

describe('sampleScenarios', () => {
  it.each(['walk', 'coverage', 'motif'] as const)('%s: 3000 samples hold every invariant', (strategy) => {
    const { scenarios } = sampleScenarios(catalog, { n: 3000, seed: 11, strategy });
    expect(scenarios).toHaveLength(3000);
    checkInvariants(scenarios, { size: [2, 5], connected: true });
  });

  it('is deterministic: same seed, same scenarios byte for byte; another seed, others', () => {
    const a = sampleScenarios(catalog, { n: 500, seed: 3 }).scenarios;
    const b = sampleScenarios(catalog, { n: 500, seed: 3 }).scenarios;
    const c = sampleScenarios(catalog, { n: 500, seed: 4 }).scenarios;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('coverage: every pattern appears before any appears a third time', () => {
    const { scenarios } = sampleScenarios(catalog, { n: 400, seed: 5, strategy: 'coverage' });
    const uses = new Map<string, number>();
    for (const s of scenarios) {
      for (const p of s.patterns) {
        const n = (uses.get(p) ?? 0) + 1;
        uses.set(p, n);
        if (n === 3) expect(uses.size).toBe(244);
      }
    }
    expect(uses.size).toBe(244);
    const walk = sampleScenarios(catalog, { n: 400, seed: 5, strategy: 'walk' }).scenarios;
    expect(coverageReport(catalog, scenarios).patterns.gini).toBeLessThan(
      coverageReport(catalog, walk).patterns.gini,
    );
  });

  it('motif: fills each quota exactly and labels each scenario with its motif', () => {
    const { scenarios } = sampleScenarios(catalog, { n: 600, seed: 9, strategy: 'motif' });
    for (const m of MOTIFS) expect(scenarios.filter((s) => s.motif === m)).toHaveLength(100);
    const custom = sampleScenarios(catalog, {
      n: 100,
      seed: 9,
      strategy: 'motif',
      motifs: { 'conflict-pair': 3, 'reinforcing-chain': 1 },
    }).scenarios;
    expect(custom.filter((s) => s.motif === 'conflict-pair')).toHaveLength(75);
    expect(custom.filter((s) => s.motif === 'reinforcing-chain')).toHaveLength(25);
  });

  it('humanllm: 3-4 trait dimensions plus at most one social-cognitive pattern, no EXCLUDES pair', () => {
    const { scenarios, report } = sampleScenarios(catalog, { n: 1000, seed: 2, strategy: 'humanllm' });
    const byId = new Map(catalog.patterns.map((p) => [p.id, p]));
    for (const s of scenarios) {
      const traits = s.patterns.map((id) => byId.get(id)!).filter((p) => p.kind === 'trait');
      const dims = new Set(traits.map((p) => (p.kind === 'trait' ? p.dimension : '')));
      expect(dims.size).toBe(traits.length);
      expect([3, 4]).toContain(traits.length);
      expect(s.patterns.length - traits.length).toBeLessThanOrEqual(1);
      for (const a of s.patterns) for (const b of s.patterns) expect(excludes.has(pair(a, b))).toBe(false);
    }
    checkInvariants(scenarios, { size: [3, 5], connected: false });
    expect(report.humanllm!.connectedShare).toBeGreaterThanOrEqual(0);
    expect(report.humanllm!.connectedShare).toBeLessThanOrEqual(1);
  });
});

describe('constraints', () => {
  const sample = (o: Partial<SampleOptions>) => sampleScenarios(catalog, { n: 300, seed: 1, ...o }).scenarios;

  it('honours size, include and exclude', () => {
    const include = ['p00003'];
    const exclude = view.adjacency[view.indexOf.get('p00003')!]!.slice(0, 3).map(
      (e) => view.ids[e.source === view.indexOf.get('p00003') ? e.target : e.source]!,
    );
    const got = sample({ size: [3, 4], include, exclude });
    checkInvariants(got, { size: [3, 4], connected: true });
    for (const s of got) {
      expect(s.patterns).toContain('p00003');
      for (const x of exclude) expect(s.patterns).not.toContain(x);
    }
  });

  it('honours minimum traits and social-cognitive patterns', () => {
    const byId = new Map(catalog.patterns.map((p) => [p.id, p]));
    for (const s of sample({ size: [4, 5], minTraits: 2, minSocial: 1 })) {
      const traits = s.patterns.filter((p) => byId.get(p)!.kind === 'trait').length;
      expect(traits).toBeGreaterThanOrEqual(2);
      expect(s.patterns.length - traits).toBeGreaterThanOrEqual(1);
    }
  });

  it('honours required relation types and walked types', () => {
    const types = new Map(causal.map((r) => [r.id, r.type]));
    for (const s of sample({ require: ['CONFLICTS', 'MODULATES'] })) {
      const present = new Set(s.relations.map((r) => types.get(r)));
      expect(present.has('CONFLICTS') && present.has('MODULATES')).toBe(true);
    }
    // walking REINFORCES only: the set is connected through REINFORCES edges alone
    for (const s of sample({ types: ['REINFORCES'] })) {
      expect(
        connected(
          s.patterns,
          s.relations.filter((r) => types.get(r) === 'REINFORCES'),
        ),
      ).toBe(true);
    }
  });

  it('honours situations, crossing each pattern set with every listed situation', () => {
    const one = sample({ situations: ['adversity'] });
    expect(new Set(one.map((s) => s.situation))).toEqual(new Set(['adversity']));
    const crossed = sample({ situations: ['duty', 'mating'], crossSituations: true });
    const bySet = new Map<string, string[]>();
    for (const s of crossed)
      bySet.set(s.patterns.join(','), [...(bySet.get(s.patterns.join(',')) ?? []), s.situation]);
    for (const sits of [...bySet.values()].slice(0, -1)) expect(sits.sort()).toEqual(['duty', 'mating']);
  });

  it('honours the number of characters and the conflict mode', () => {
    for (const s of sample({ size: [3, 5], characters: [3, 3] })) expect(s.characters).toHaveLength(3);
    // the conflict mode decides only for CONFLICTS edges that may act either way
    const conflictPairs = causal
      .filter((r) => r.type === 'CONFLICTS' && (r.scope ?? 'either') === 'either')
      .map((r) => pair(r.source, r.target));
    const conflicting = new Set(conflictPairs);
    const owner = (s: Scenario) =>
      new Map(s.characters.flatMap((c, i) => c.patterns.map((p) => [p, i] as const)));
    for (const mode of ['inner', 'split'] as const) {
      for (const s of sample({ characters: [2, 3], conflicts: mode, require: ['CONFLICTS'] })) {
        const o = owner(s);
        for (const a of s.patterns) {
          for (const b of s.patterns) {
            if (a < b && conflicting.has(pair(a, b))) expect(o.get(a) === o.get(b)).toBe(mode === 'inner');
          }
        }
      }
    }
  });

  it('never repeats a scenario it is told to avoid', () => {
    const first = sample({});
    const again = sampleScenarios(catalog, { n: 300, seed: 1, avoidIds: new Set(first.map((s) => s.id)) });
    expect(again.scenarios.some((s) => first.some((f) => f.id === s.id))).toBe(false);
    expect(again.report.duplicates).toBeGreaterThan(0);
  });
});

describe('impossible requests fail fast, saying why', () => {
  const mini: Catalog = miniCatalog();
  it.each([
    [
      { include: ['quiet', 'talkative'], characters: [1, 1] as [number, number] },
      ConstraintError,
      /EXCLUDE each other/,
    ],
    [{ size: [6, 6] as [number, number] }, ConstraintError, /no connected group of 6 patterns/],
    [{ include: ['ghost'] }, InvalidInputError, /^include: unknown pattern "ghost"/],
    [{ include: ['talkative'], exclude: ['talkative'] }, ConstraintError, /both included and excluded/],
    [{ minTraits: 3, minSocial: 3 }, ConstraintError, /exceed the largest size 5/],
    [{ require: ['MODULATES'], types: ['REINFORCES'] }, ConstraintError, /not among the walked types/],
    [{ situations: ['the-moon'] }, InvalidInputError, /unknown situation "the-moon"/],
    [{ n: 500 }, ConstraintError, /found only \d+ of 500 unique scenarios/],
  ] as [Partial<SampleOptions>, typeof ConstraintError, RegExp][])('%j', (options, errorClass, message) => {
    const run = () => sampleScenarios(mini, { n: 5, seed: 1, situations: ['adversity'], ...options });
    expect(run).toThrow(errorClass);
    expect(run).toThrow(message);
  });

  it('returns what exists with allowFewer', () => {
    const { scenarios, report } = sampleScenarios(mini, {
      n: 500,
      seed: 1,
      situations: ['adversity'],
      allowFewer: true,
    });
    expect(scenarios.length).toBeLessThan(500);
    expect(report.produced).toBe(scenarios.length);
  });
});

describe('splits and coverage', () => {
  const batch = sampleScenarios(catalog, { n: 3000, seed: 21, size: [2, 3] }).scenarios;

  it('holds out patterns the HumanLLM way', () => {
    const split = splitByPatterns(catalog, batch, { seed: 42 });
    const ood = new Set(split.oodPatterns);
    expect(split.oodPatterns).toHaveLength(8);
    for (const s of split.train) expect(s.patterns.some((p) => ood.has(p))).toBe(false);
    for (const s of split.id) expect(s.patterns.some((p) => ood.has(p))).toBe(false);
    for (const s of split.ood) expect(s.patterns.every((p) => ood.has(p))).toBe(true);
    for (const s of split.mixed)
      expect(s.patterns.some((p) => ood.has(p)) && s.patterns.some((p) => !ood.has(p))).toBe(true);
    expect(split.train.length + split.id.length + split.ood.length + split.mixed.length).toBe(batch.length);
    expect(splitByPatterns(catalog, batch, { seed: 42 })).toEqual(split);
  });

  it('holds out edges: known patterns in unseen combinations', () => {
    const split = splitByEdges(catalog, batch, { seed: 42, share: 0.05 });
    const held = new Set(
      catalog.relations.filter((r) => split.heldOutEdges.includes(r.id)).map((r) => pair(r.source, r.target)),
    );
    const hasHeld = (s: Scenario) =>
      s.patterns.some((a) => s.patterns.some((b) => a < b && held.has(pair(a, b))));
    expect(split.test.length).toBeGreaterThan(0);
    expect(split.test.every(hasHeld)).toBe(true);
    expect(split.train.some(hasHeld)).toBe(false);
    expect(split.unseenPatterns).toEqual([]);
  });

  it('reports coverage and inequality of use', () => {
    expect(gini([1, 1, 1, 1])).toBe(0);
    expect(gini([0, 0, 0, 4])).toBe(0.75);
    const report = coverageReport(catalog, batch);
    expect(report.scenarios).toBe(3000);
    expect(report.patterns.covered).toBe(244 - report.unusedPatterns.length);
    expect(report.edges.covered).toBeLessThanOrEqual(report.edges.total);
    expect(Object.values(report.motifs).reduce((a, b) => a + b, 0)).toBe(3000);
  });
});
