/**
 * Synthetic graphs of any size, for benchmarks and property tests: patterns named p0000…, a mix
 * of traits (with opposite-pole EXCLUDES pairs) and social-cognitive patterns, causal edges of
 * all three types and all three scopes between random pairs, and a few near-twin (VARIANT_OF)
 * links. Deterministic for a seed.
 */
import {
  CATEGORIES,
  type Catalog,
  DIMENSIONS,
  type Pattern,
  type Relation,
  type Scope,
  hash64,
  relationId,
} from '../model/index.js';
import { createRandom, randomInt } from './random.js';
import { DIAMONDS } from './options.js';

const SCOPE_MIX: readonly Scope[] = ['within', 'within', 'within', 'between', 'either'];

function syntheticPattern(i: number, traitShare: number): Pattern {
  const id = `p${String(i).padStart(5, '0')}`;
  const base = {
    id,
    name: id,
    definition: `Synthetic pattern ${id}.`,
    mechanisms: { cognitive: 'c', emotional: 'e', behavioral: 'b' },
    manifestations: ['a', 'b', 'c', 'd'],
    checklist: Array.from({ length: 12 }, (_, k) => ({
      id: `${id}-${String(k + 1).padStart(2, '0')}`,
      question: `q${k}?`,
    })),
  };
  return i % 100 < traitShare * 100
    ? { ...base, kind: 'trait', dimension: DIMENSIONS[i % 5]!, pole: i % 2 ? '-' : '+' }
    : { ...base, kind: 'social-cognitive', category: CATEGORIES[i % 4]! };
}

export function syntheticCatalog(patterns: number, edgesPerPattern: number, seed = 1): Catalog {
  const random = createRandom(seed);
  const list = Array.from({ length: patterns }, (_, i) => syntheticPattern(i, 0.4));
  const relations = new Map<string, Relation>();
  const types = ['REINFORCES', 'CONFLICTS', 'MODULATES'] as const;
  const want = Math.floor((patterns * edgesPerPattern) / 2);
  for (let tries = 0; relations.size < want && tries < want * 4; tries++) {
    let a = list[randomInt(random, patterns)]!.id;
    let b = list[randomInt(random, patterns)]!.id;
    if (a === b) continue;
    const type = types[randomInt(random, 3)]!;
    if (type === 'CONFLICTS' && a > b) [a, b] = [b, a];
    const id = relationId(type, a, b);
    const strength = (20 + randomInt(random, 71)) / 100;
    const base = {
      id,
      source: a,
      target: b,
      strength,
      // from the id, not the random stream, so graphs keep their shape across versions
      scope: SCOPE_MIX[parseInt(hash64(id).slice(0, 4), 16) % SCOPE_MIX.length]!,
      rationale: 'synthetic',
      evidence: { status: 'theoretical' as const, sources: [] },
      provenance: 'inferred' as const,
    };
    relations.set(
      id,
      type === 'MODULATES'
        ? { ...base, type, condition: 'When it applies (adversity).', effect: 'suppresses' }
        : { ...base, type },
    );
  }
  // Causal edges by unordered pair, to find the ones a structural link must agree with.
  const byPair = new Map<string, Relation[]>();
  for (const r of relations.values()) {
    const key = [r.source, r.target].sort().join('|');
    byPair.set(key, [...(byPair.get(key) ?? []), r]);
  }
  const onPair = (x: string, y: string) => byPair.get([x, y].sort().join('|')) ?? [];
  const structural = (type: 'EXCLUDES' | 'VARIANT_OF', a: string, b: string) => {
    const id = relationId(type, a, b);
    const base = {
      id,
      source: a,
      target: b,
      strength: 1,
      rationale: 'synthetic',
      evidence: { status: 'theoretical' as const, sources: [] },
      provenance: 'inferred' as const,
    };
    relations.set(id, type === 'EXCLUDES' ? { ...base, type } : { ...base, type, link: 'twin' });
  };
  // Opposite-pole traits of the same dimension, neighbours in numbering, exclude each other; one
  // person cannot carry both, so any causal edge between them acts between two people.
  for (let i = 0; i + 1 < patterns; i += 10) {
    const [a, b] = [list[i]!, list[i + 1]!];
    if (a.kind !== 'trait' || b.kind !== 'trait') continue;
    for (const r of onPair(a.id, b.id)) if ('scope' in r) r.scope = 'between';
    structural('EXCLUDES', a.id, b.id);
  }
  // Near-twins: every 50th social-cognitive pattern and the one two places on, if not causally linked.
  for (let i = 3; i + 2 < patterns; i += 50) {
    const [a, b] = [list[i]!, list[i + 2]!];
    if (a.kind !== 'social-cognitive' || b.kind !== 'social-cognitive' || onPair(a.id, b.id).length) continue;
    structural('VARIANT_OF', a.id, b.id);
  }
  return {
    patterns: list,
    relations: [...relations.values()],
    situations: DIAMONDS.map((id) => ({ id, name: id, family: 'diamonds' as const, definition: id })),
  };
}
