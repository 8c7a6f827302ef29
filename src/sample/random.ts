/**
 * Seeded randomness. Every random choice in psygraph goes through a `Random` made from a seed, so
 * the same seed (and graph) gives the same output on every machine and backend.
 */

export type Random = () => number;

/** mulberry32: a small, fast 32-bit generator with good statistical quality for sampling. */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The seed of one walk attempt: attempt i of a run with seed s draws from its own generator,
 * `createRandom(attemptSeed(s, i))`, so attempts do not depend on each other's draws and a batch
 * of them can be advanced together (the in-database walk advances hundreds per round trip) and
 * still give exactly the scenarios of the one-by-one sampler. A murmur3-style finaliser spreads
 * neighbouring (seed, attempt) pairs over the whole 32-bit range.
 */
export function attemptSeed(seed: number, attempt: number): number {
  let h = (seed >>> 0) ^ Math.imul(attempt + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The generator `createRandom(seed)` after it has drawn `draws` numbers. mulberry32's state is a
 * counter, so this is exact and O(1); it lets a caller look at the next number without taking it.
 */
export function randomAfter(seed: number, draws: number): Random {
  return createRandom(((seed >>> 0) + Math.imul(draws, 0x6d2b79f5)) >>> 0);
}

/** An integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/**
 * The one weighted choice of every walk: with T the total weight of `items` (weights indexed by
 * item), the first item whose running total passes u × T, or the last when rounding leaves none.
 * The in-database walk (store/neo4j-walk.ts) applies the same rule in Cypher, and a test against
 * the real Neo4j pins the two to the same scenarios.
 */
export function pickWeighted(items: readonly number[], weights: ArrayLike<number>, u: number): number {
  let total = 0;
  for (const item of items) total += weights[item]!;
  let threshold = u * total;
  for (const item of items) {
    threshold -= weights[item]!;
    if (threshold < 0) return item;
  }
  return items[items.length - 1]!;
}

/** Fisher–Yates shuffle into a new array. */
export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
