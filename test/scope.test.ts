/**
 * The sampler's cast rules on the shipped graph: EXCLUDES pairs never share a character, `within`
 * edges stay inside one character, `between` edges go across two, near-twins are kept apart —
 * under every strategy and conflict mode. (The same checks run on Neo4j in store-neo4j.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, ConstraintError } from '../src/model/index.js';
import type { ConflictMode } from '../src/sample/characters.js';
import { sampleScenarios } from '../src/sample/sample.js';
import { syntheticCatalog } from '../src/sample/synthetic.js';
import { loadSeed } from '../src/store/seed.js';
import { castViolations } from './helpers/cast.js';

let shipped: Catalog;
beforeAll(async () => {
  shipped = await loadSeed();
});

const STRATEGIES = ['walk', 'coverage', 'motif', 'humanllm'] as const;
const MODES: ConflictMode[] = ['inner', 'split', 'any'];

describe('cast rules on the shipped graph', () => {
  for (const strategy of STRATEGIES) {
    for (const conflicts of MODES) {
      it(`${strategy}, --conflicts ${conflicts}: no EXCLUDES pair, split within edge or joined between edge`, () => {
        const { scenarios } = sampleScenarios(shipped, {
          n: 150,
          seed: 11,
          strategy,
          conflicts,
          characters: [1, 3],
          allowFewer: true,
        });
        expect(scenarios.length).toBeGreaterThan(50);
        expect(scenarios.flatMap((s) => castViolations(shipped, s))).toEqual([]);
      });
    }
  }

  it('every causal edge of the shipped graph has a scope', () => {
    const missing = shipped.relations.filter(
      (r) => (r.type === 'REINFORCES' || r.type === 'CONFLICTS' || r.type === 'MODULATES') && !r.scope,
    );
    expect(missing.map((r) => r.id)).toEqual([]);
  });
});

describe('cast rules on a synthetic graph with every scope and near-twins', () => {
  const catalog = syntheticCatalog(300, 10, 4);

  it('keeps within edges together and between edges apart, counting casts that cannot fit', () => {
    const { scenarios, report } = sampleScenarios(catalog, {
      n: 400,
      seed: 3,
      characters: [1, 3],
      allowFewer: true,
    });
    expect(scenarios.length).toBeGreaterThan(300);
    expect(scenarios.flatMap((s) => castViolations(catalog, s))).toEqual([]);
    expect(Object.keys(report.failures).join(' ')).toMatch(/no valid cast/);
  });

  it('separates near-twins by default, forbids them with --twins forbid, allows them with allow', () => {
    const twins = catalog.relations.filter((r) => r.type === 'VARIANT_OF');
    expect(twins.length).toBeGreaterThan(0);
    const include = [twins[0]!.source, twins[0]!.target];
    const apart = sampleScenarios(catalog, { n: 20, seed: 1, include, characters: [2, 3], allowFewer: true });
    expect(apart.scenarios.length).toBeGreaterThan(0);
    expect(apart.scenarios.flatMap((s) => castViolations(catalog, s))).toEqual([]);
    expect(() => sampleScenarios(catalog, { n: 5, seed: 1, include, twins: 'forbid' })).toThrow(
      /near-twins, which twins forbid keeps apart/,
    );
    const forbid = sampleScenarios(catalog, { n: 300, seed: 2, twins: 'forbid', allowFewer: true });
    expect(forbid.scenarios.flatMap((s) => castViolations(catalog, s, 'forbid'))).toEqual([]);
    const allow = sampleScenarios(catalog, { n: 20, seed: 1, include, twins: 'allow', allowFewer: true });
    expect(allow.scenarios.length).toBeGreaterThan(0);
    expect(allow.scenarios.flatMap((s) => castViolations(catalog, s, 'allow'))).toEqual([]);
  });

  it('fails at once when included patterns joined by a between edge must share one character', () => {
    const between = catalog.relations.find((r) => 'scope' in r && r.scope === 'between')!;
    const run = () =>
      sampleScenarios(catalog, {
        n: 1,
        seed: 1,
        include: [between.source, between.target],
        characters: [1, 1],
      });
    expect(run).toThrow(ConstraintError);
    expect(run).toThrow(new RegExp(`${between.id} acts between two people`));
  });

  it('reports proposals that only repeat earlier scenarios as duplicates, and accepted ones not at all', () => {
    const { report } = sampleScenarios(catalog, { n: 50, seed: 9 });
    expect(report.produced).toBe(50);
    expect(report.failures.duplicate ?? 0).toBe(report.duplicates);
  });
});
