/**
 * Train / evaluation splits of a scenario batch, seeded.
 *
 * - `patterns` (HumanLLM's design: out-of-distribution patterns held out of training): hold out OOD patterns (some traits
 *   from distinct Big-Five dimensions plus some social-cognitive ones). ood = scenarios made only
 *   of OOD patterns, id = a sample of scenarios with none, mixed = the ones that mix, train = the
 *   rest of the OOD-free ones.
 * - `edges` (psygraph's addition): hold out causal edges. Test scenarios contain a held-out pair
 *   of patterns; train never puts such a pair together, but keeps every pattern of the test set,
 *   so a model sees known patterns in unseen combinations.
 */
import type { Catalog, Scenario } from '../model/index.js';
import { InvalidInputError, isCausal, field, fieldText } from '../model/index.js';
import { createRandom, shuffled } from './random.js';

export interface PatternSplit {
  kind: 'patterns';
  oodPatterns: string[];
  train: Scenario[];
  id: Scenario[];
  ood: Scenario[];
  mixed: Scenario[];
}

export interface EdgeSplit {
  kind: 'edges';
  heldOutEdges: string[];
  train: Scenario[];
  test: Scenario[];
  /** Test patterns never seen in train (should be empty; reported, not hidden). */
  unseenPatterns: string[];
}

export interface PatternSplitOptions {
  seed: number;
  oodTraits?: number;
  oodSocial?: number;
  /** Size of the id evaluation sample (default 50). */
  idSize?: number;
}

export function splitByPatterns(
  catalog: Catalog,
  scenarios: readonly Scenario[],
  o: PatternSplitOptions,
): PatternSplit {
  const random = createRandom(o.seed);
  const nTraits = o.oodTraits ?? 4;
  const nSocial = o.oodSocial ?? 4;
  if (nTraits > 5)
    throw new InvalidInputError(fieldText`${field('oodTraits')}: at most 5 (one per Big-Five dimension)`);
  const traits = catalog.patterns.filter((p) => p.kind === 'trait');
  const dims = shuffled(
    random,
    [...new Set(traits.map((p) => (p.kind === 'trait' ? p.dimension : '')))].sort(),
  );
  const ood: string[] = [];
  for (const dim of dims.slice(0, nTraits)) {
    const pool = traits
      .filter((p) => p.kind === 'trait' && p.dimension === dim)
      .map((p) => p.id)
      .sort();
    ood.push(shuffled(random, pool)[0]!);
  }
  const social = catalog.patterns
    .filter((p) => p.kind === 'social-cognitive')
    .map((p) => p.id)
    .sort();
  ood.push(...shuffled(random, social).slice(0, nSocial));
  const oodSet = new Set(ood);
  const result: PatternSplit = {
    kind: 'patterns',
    oodPatterns: ood.sort(),
    train: [],
    id: [],
    ood: [],
    mixed: [],
  };
  const clean: Scenario[] = [];
  for (const s of scenarios) {
    const n = s.patterns.filter((p) => oodSet.has(p)).length;
    if (n === s.patterns.length) result.ood.push(s);
    else if (n > 0) result.mixed.push(s);
    else clean.push(s);
  }
  const idCount = Math.min(o.idSize ?? 50, Math.floor(clean.length / 2));
  const picked = new Set(
    shuffled(
      random,
      clean.map((s) => s.id),
    ).slice(0, idCount),
  );
  for (const s of clean) (picked.has(s.id) ? result.id : result.train).push(s);
  return result;
}

export function splitByEdges(
  catalog: Catalog,
  scenarios: readonly Scenario[],
  o: { seed: number; share?: number },
): EdgeSplit {
  const random = createRandom(o.seed);
  const share = o.share ?? 0.1;
  if (!(share > 0 && share < 1))
    throw new InvalidInputError(fieldText`${field('share')} must be between 0 and 1`);
  const causal = catalog.relations
    .filter((r) => isCausal(r.type))
    .map((r) => r.id)
    .sort();
  const held = shuffled(random, causal).slice(0, Math.max(1, Math.round(causal.length * share)));
  const heldSet = new Set(held);
  const pairs = new Set(
    catalog.relations.filter((r) => heldSet.has(r.id)).map((r) => [r.source, r.target].sort().join('|')),
  );
  const hasHeldPair = (s: Scenario) =>
    s.patterns.some((a, i) => s.patterns.slice(i + 1).some((b) => pairs.has([a, b].sort().join('|'))));
  const test = scenarios.filter(hasHeldPair);
  const train = scenarios.filter((s) => !hasHeldPair(s));
  const trainPatterns = new Set(train.flatMap((s) => s.patterns));
  const unseen = [...new Set(test.flatMap((s) => s.patterns))].filter((p) => !trainPatterns.has(p)).sort();
  return { kind: 'edges', heldOutEdges: held.sort(), train, test, unseenPatterns: unseen };
}
