/**
 * Growing a connected pattern set over causal edges: the step both the in-memory sampler and the
 * Neo4j server-side walk take, with the same rule so that the same random numbers pick the same
 * patterns. At each step the candidates are the patterns joined to the set by an allowed edge,
 * in id order; each weighs the summed strength (in hundredths) of its edges into the set, or 1
 * each without weighting; one random number in [0, 1) picks a candidate by cumulative weight.
 */
import type { CausalType } from '../model/index.js';
import { type Random, pickWeighted } from './random.js';
import { type SamplerView, otherEnd, typeMask } from './view.js';

export interface GrowPolicy {
  types: ReadonlySet<CausalType>;
  weighted: boolean;
  /** Patterns that may never join. */
  banned: Uint8Array;
  /** Narrows the candidates at a step (kind quotas, coverage); returns the ones to choose from. */
  narrow?: (candidates: number[], set: readonly number[]) => number[];
  /** Picks among the narrowed candidates (coverage uses its own rule); default: weighted random. */
  pick?: (candidates: number[], weights: number[], random: Random) => number;
}

/** Reusable per-view buffers, so growing a set allocates almost nothing (the sampler's hot path). */
interface Scratch {
  /** Generation stamp: the pattern is on the current frontier (or in the set). */
  seen: Int32Array;
  /** Generation stamp: the pattern is in the current set. */
  member: Int32Array;
  weight: Float64Array;
  generation: number;
}
const scratches = new WeakMap<SamplerView, Scratch>();

function scratchFor(view: SamplerView): Scratch {
  let s = scratches.get(view);
  if (!s) {
    const n = view.ids.length;
    s = { seen: new Int32Array(n), member: new Int32Array(n), weight: new Float64Array(n), generation: 0 };
    scratches.set(view, s);
  }
  return s;
}

/** Adds `node`'s allowed edges to the frontier weights; new candidates are inserted in index order. */
function absorb(
  view: SamplerView,
  node: number,
  mask: number,
  policy: GrowPolicy,
  scratch: Scratch,
  gen: number,
  frontierNodes: number[],
): void {
  const { seen, member, weight } = scratch;
  const edges = view.adjacency[node]!;
  for (let i = 0; i < edges.length; i++) {
    const edge = edges[i]!;
    if (!(edge.typeBit & mask)) continue;
    const other = edge.source === node ? edge.target : edge.source;
    if (member[other] === gen || policy.banned[other]) continue;
    if (seen[other] !== gen) {
      seen[other] = gen;
      weight[other] = 0;
      let at = frontierNodes.length;
      while (at > 0 && frontierNodes[at - 1]! > other) at--;
      frontierNodes.splice(at, 0, other);
    }
    weight[other] = weight[other]! + (policy.weighted ? edge.weight : 1);
  }
}

/**
 * Grows `start` to `target` patterns. Stops early (returning a smaller set) when no allowed edge
 * leads out of the set. Consumes exactly one random number per added pattern. The frontier is
 * kept incrementally and in id order: each added pattern contributes its edges' weights once.
 */
export function growSet(
  view: SamplerView,
  start: readonly number[],
  target: number,
  policy: GrowPolicy,
  random: Random,
): number[] {
  const set = start.slice();
  const scratch = scratchFor(view);
  const gen = ++scratch.generation;
  const mask = typeMask(policy.types);
  const frontierNodes: number[] = [];
  for (const n of set) scratch.member[n] = gen;
  for (const n of set) absorb(view, n, mask, policy, scratch, gen, frontierNodes);
  while (set.length < target) {
    let candidates: number[] = [];
    for (const n of frontierNodes) if (scratch.member[n] !== gen) candidates.push(n);
    if (policy.narrow) candidates = policy.narrow(candidates, set);
    if (!candidates.length) break;
    let chosen: number;
    if (policy.pick)
      chosen = policy.pick(
        candidates,
        candidates.map((c) => scratch.weight[c]!),
        random,
      );
    else chosen = pickWeighted(candidates, scratch.weight, random());
    set.push(chosen);
    scratch.member[chosen] = gen;
    absorb(view, chosen, mask, policy, scratch, gen, frontierNodes);
  }
  return set;
}

/**
 * Smallest connected set containing `required`: breadth-first shortest paths from the first
 * required pattern to each other one, over allowed edges (ties broken by id order).
 */
export function connectRequired(
  view: SamplerView,
  required: readonly number[],
  policy: GrowPolicy,
): number[] | undefined {
  if (required.length <= 1) return [...required];
  const set = new Set<number>([required[0]!]);
  for (const goal of required.slice(1)) {
    if (set.has(goal)) continue;
    const parent = new Map<number, number>();
    const queue = [...set];
    for (const s of queue) parent.set(s, -1);
    let found = false;
    for (let qi = 0; qi < queue.length && !found; qi++) {
      const node = queue[qi]!;
      const next = view.adjacency[node]!.filter((e) => policy.types.has(e.type))
        .map((e) => otherEnd(e, node))
        .sort((a, b) => a - b);
      for (const other of next) {
        if (parent.has(other) || (policy.banned[other] && other !== goal)) continue;
        parent.set(other, node);
        if (other === goal) {
          found = true;
          break;
        }
        queue.push(other);
      }
    }
    if (!found) return undefined;
    for (let n = goal; n !== -1 && !set.has(n); n = parent.get(n)!) set.add(n);
  }
  return [...set];
}
