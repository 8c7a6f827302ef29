/**
 * How each strategy proposes a pattern set. A proposal either returns node indices or names the
 * reason it failed (counted in the run report, so an impossible request says why).
 */
import { type CausalType, type Motif } from '../model/index.js';
import { edgesAmong, isConnected } from './assemble.js';
import { type GrowPolicy, growSet } from './grow.js';
import { classifyMotif } from './motif.js';
import type { ResolvedOptions } from './options.js';
import { type Random, randomInt, shuffled } from './random.js';
import { type SamplerView, otherEnd, pairKey } from './view.js';

export type Proposal = { nodes: number[] } | { failure: string };

export interface RunState {
  view: SamplerView;
  options: ResolvedOptions;
  patternUses: Int32Array;
  edgeUses: Int32Array;
  uncovered: number;
  /** Coverage starts that led nowhere this round. */
  stuck: Set<number>;
  humanllm: { bundles: number; vetoed: number; connected: number; linked: number };
  /** Patterns not excluded, in index order. */
  eligible: number[];
}

export function newRunState(view: SamplerView, options: ResolvedOptions): RunState {
  const eligible = view.ids.map((_, i) => i).filter((i) => !options.banned[i]);
  return {
    eligible,
    view,
    options,
    patternUses: new Int32Array(view.ids.length),
    edgeUses: new Int32Array(view.edges.length),
    uncovered: eligible.length,
    stuck: new Set(),
    humanllm: { bundles: 0, vetoed: 0, connected: 0, linked: 0 },
  };
}

/** Records an accepted scenario's patterns and edges for coverage. */
export function recordUse(state: RunState, nodes: readonly number[]): void {
  for (const n of nodes) {
    if (state.patternUses[n] === 0) state.uncovered--;
    state.patternUses[n] = state.patternUses[n]! + 1;
  }
  for (const e of edgesAmong(state.view, nodes)) state.edgeUses[e.index] = state.edgeUses[e.index]! + 1;
  state.stuck.clear();
}

/**
 * Which kind the next pattern must be so that --min-traits / --min-social can still be met by a
 * set growing to `target`: only traits, only social-cognitive patterns, or either (undefined).
 */
export function kindNeeded(
  minTraits: number,
  minSocial: number,
  target: number,
  setSize: number,
  traitsInSet: number,
): 'trait' | 'social-cognitive' | undefined {
  const remaining = target - setSize;
  if (minTraits - traitsInSet >= remaining) return 'trait';
  if (minSocial - (setSize - traitsInSet) >= remaining) return 'social-cognitive';
  return undefined;
}

function kindNarrow(state: RunState, target: number): GrowPolicy['narrow'] {
  const { minTraits, minSocial } = state.options;
  if (!minTraits && !minSocial) return undefined;
  const isTrait = state.view.isTrait;
  return (candidates, set) => {
    const traits = set.filter((n) => isTrait[n]).length;
    const need = kindNeeded(minTraits, minSocial, target, set.length, traits);
    if (need === 'trait') return candidates.filter((c) => isTrait[c]);
    if (need === 'social-cognitive') return candidates.filter((c) => !isTrait[c]);
    return candidates;
  };
}

function targetSize(state: RunState, random: Random, floor: number): number {
  const [min, max] = state.options.size;
  return Math.max(floor, min + randomInt(random, max - min + 1));
}

function randomEdgeStart(
  state: RunState,
  types: readonly CausalType[],
  random: Random,
): number[] | undefined {
  const { view, options } = state;
  const edges = view.edges.filter(
    (e) => types.includes(e.type) && !options.banned[e.source] && !options.banned[e.target],
  );
  if (!edges.length) return undefined;
  const e = edges[randomInt(random, edges.length)]!;
  return [e.source, e.target];
}

/** Why a grown set of `size` patterns (`traits` of them traits) cannot be used, if it cannot. */
export function sizeFailure(
  options: Pick<ResolvedOptions, 'size' | 'minTraits' | 'minSocial'>,
  size: number,
  traits: number,
): string | undefined {
  if (size < options.size[0]) return 'dead end: no allowed edge leads further';
  if (traits < options.minTraits) return 'too few traits';
  if (size - traits < options.minSocial) return 'too few social-cognitive patterns';
  return undefined;
}

function checkSet(state: RunState, nodes: number[]): Proposal {
  const { options, view } = state;
  const traits = nodes.filter((n) => view.isTrait[n]).length;
  const failure = sizeFailure(options, nodes.length, traits);
  if (failure) return { failure };
  if (options.require.length) {
    const present = new Set(edgesAmong(view, nodes).map((e) => e.type));
    if (!options.require.every((t) => present.has(t))) return { failure: 'required relation type missing' };
  }
  return { nodes };
}

/** walk: grow from a random start (or the included patterns, or a required edge) by weighted expansion. */
export function proposeWalk(state: RunState, random: Random): Proposal {
  const { view, options } = state;
  let start: number[];
  if (options.core.length) start = options.core;
  else if (options.require.length) {
    const s = randomEdgeStart(state, options.require, random);
    if (!s) return { failure: 'no edge of a required type' };
    start = s;
  } else {
    start = [state.eligible[randomInt(random, state.eligible.length)]!];
  }
  const target = targetSize(state, random, start.length);
  const policy: GrowPolicy = { types: options.types, weighted: options.weighted, banned: options.banned };
  const narrow = kindNarrow(state, target);
  if (narrow) policy.narrow = narrow;
  return checkSet(state, growSet(view, start, target, policy, random));
}

/**
 * coverage: start from a least-used pattern and add least-used neighbours (then least-used edges),
 * never a pattern's third use while some pattern is still unused.
 */
export function proposeCoverage(state: RunState, random: Random): Proposal {
  const { view, options, patternUses, edgeUses } = state;
  const allowed = (n: number) => !options.banned[n];
  let start = options.core;
  if (!start.length) {
    let best = Infinity;
    let pool: number[] = [];
    for (let i = 0; i < view.ids.length; i++) {
      if (!allowed(i) || state.stuck.has(i)) continue;
      const u = patternUses[i]!;
      if (u < best) {
        best = u;
        pool = [i];
      } else if (u === best) pool.push(i);
    }
    if (!pool.length) {
      state.stuck.clear();
      return { failure: 'dead end: no allowed edge leads further' };
    }
    start = [pool[randomInt(random, pool.length)]!];
  }
  const target = targetSize(state, random, start.length);
  const kinds = kindNarrow(state, target);
  const policy: GrowPolicy = {
    types: options.types,
    weighted: false,
    banned: options.banned,
    narrow: (candidates, set) => {
      let c = kinds ? kinds(candidates, set) : candidates;
      if (state.uncovered > 0) c = c.filter((n) => patternUses[n]! < 2);
      return c;
    },
    pick: (candidates, _weights, rng) => {
      // least-used pattern first, then the least-used edge; only the least-used patterns need
      // their edges scanned (the same pool, in the same order, as scoring every candidate)
      let fewest = Infinity;
      for (const c of candidates) fewest = Math.min(fewest, patternUses[c]!);
      let best = Infinity;
      let pool: number[] = [];
      for (const c of candidates) {
        if (patternUses[c] !== fewest) continue;
        let edge = Infinity;
        for (const e of view.adjacency[c]!)
          if (options.types.has(e.type)) edge = Math.min(edge, edgeUses[e.index]!);
        if (edge < best) {
          best = edge;
          pool = [c];
        } else if (edge === best) pool.push(c);
      }
      return pool[randomInt(rng, pool.length)]!;
    },
  };
  const result = checkSet(state, growSet(view, start, target, policy, random));
  if ('failure' in result && start.length === 1) state.stuck.add(start[0]!);
  return result;
}

/** Triangles of the signed graph, found once per run for the motif strategy. */
function triangles(view: SamplerView, options: ResolvedOptions, want: 'conflict' | 'unbalanced'): number[][] {
  const out: number[][] = [];
  const sign = (a: number, b: number) => {
    const es = view.pairEdges.get(pairKey(view, a, b)) ?? [];
    if (es.some((e) => e.type === 'CONFLICTS')) return -1;
    if (es.some((e) => e.type === 'REINFORCES')) return 1;
    return 0;
  };
  for (let a = 0; a < view.ids.length; a++) {
    if (options.banned[a]) continue;
    const nbrs = [...new Set(view.adjacency[a]!.map((e) => otherEnd(e, a)))].filter(
      (b) => b > a && !options.banned[b],
    );
    for (const b of nbrs) {
      const ab = sign(a, b);
      if (!ab) continue;
      for (const c of nbrs) {
        if (c <= b) continue;
        const bc = sign(b, c);
        const ac = sign(a, c);
        if (!bc || !ac) continue;
        const negatives = (ab < 0 ? 1 : 0) + (bc < 0 ? 1 : 0) + (ac < 0 ? 1 : 0);
        if (want === 'unbalanced' ? negatives === 1 : negatives === 3) out.push([a, b, c]);
      }
    }
  }
  return out;
}

const MOTIF_TYPES: Record<Motif, CausalType[]> = {
  'reinforcing-chain': ['REINFORCES'],
  'conflict-pair': ['CONFLICTS'],
  'conflict-triangle': ['CONFLICTS'],
  'modulated-edge': ['MODULATES', 'REINFORCES'],
  'unbalanced-triangle': ['REINFORCES', 'CONFLICTS', 'MODULATES'],
  mixed: ['REINFORCES', 'CONFLICTS', 'MODULATES'],
};

export function motifProposer(state: RunState) {
  const cache = new Map<string, number[][]>();
  const trianglesOf = (want: 'conflict' | 'unbalanced') => {
    if (!cache.has(want)) cache.set(want, triangles(state.view, state.options, want));
    return cache.get(want)!;
  };
  return (motif: Motif, random: Random): Proposal => {
    const { view, options } = state;
    const types = new Set(MOTIF_TYPES[motif].filter((t) => options.types.has(t)));
    let start: number[] | undefined;
    if (motif === 'conflict-triangle' || motif === 'unbalanced-triangle') {
      const list = trianglesOf(motif === 'conflict-triangle' ? 'conflict' : 'unbalanced');
      if (!list.length) return { failure: `the graph has no ${motif}` };
      start = list[randomInt(random, list.length)]!;
    } else if (motif === 'mixed') {
      start = [randomInt(random, view.ids.length)];
      if (options.banned[start[0]!]) return { failure: 'excluded start' };
    } else {
      start = randomEdgeStart(state, motif === 'modulated-edge' ? ['MODULATES'] : [...types], random);
      if (!start) return { failure: `the graph has no edge for ${motif}` };
    }
    if (!start) return { failure: `no start for ${motif}` };
    if (options.core.length) start = [...new Set([...options.core, ...start])];
    if (start.length > options.size[1]) return { failure: `${motif} does not fit --size` };
    const target = targetSize(state, random, start.length);
    const policy: GrowPolicy = { types, weighted: options.weighted, banned: options.banned };
    const proposal = checkSet(state, growSet(view, start, target, policy, random));
    if ('failure' in proposal) return proposal;
    const got = classifyMotif(proposal.nodes, edgesAmong(view, proposal.nodes));
    if (!isConnected(proposal.nodes, edgesAmong(view, proposal.nodes))) return { failure: 'not connected' };
    return got === motif ? proposal : { failure: `drew ${got ?? 'no motif'} while filling ${motif}` };
  };
}

/**
 * humanllm: the original random bundle (HumanLLM, build_pattern_bundle): 3-4 Big-Five dimensions,
 * positive pole with p=0.6, the least-used adjective of that pole, plus with p=0.7 the least-used
 * social-cognitive pattern. Our EXCLUDES edges replace the LLM contradiction veto.
 */
export function proposeHumanllm(state: RunState, random: Random): Proposal {
  const { view, options, patternUses } = state;
  const leastUsed = (pool: number[]) => {
    const min = Math.min(...pool.map((n) => patternUses[n]!));
    const best = pool.filter((n) => patternUses[n] === min);
    return best[randomInt(random, best.length)]!;
  };
  const dims = shuffled(random, [
    'extraversion',
    'agreeableness',
    'conscientiousness',
    'emotional-stability',
    'openness',
  ]);
  const chosen = dims.slice(0, 3 + randomInt(random, 2));
  const nodes: number[] = [];
  for (const dim of chosen) {
    const pole = random() < 0.6 ? '+' : '-';
    const pool = view.patterns
      .map((p, i) => ({ p, i }))
      .filter(
        ({ p, i }) => p.kind === 'trait' && p.dimension === dim && p.pole === pole && !options.banned[i],
      )
      .map(({ i }) => i);
    if (pool.length) nodes.push(leastUsed(pool));
  }
  if (random() < 0.7) {
    const pool = view.patterns
      .map((p, i) => (p.kind === 'social-cognitive' && !options.banned[i] ? i : -1))
      .filter((i) => i >= 0);
    if (pool.length) nodes.push(leastUsed(pool));
  }
  state.humanllm.bundles++;
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i]!;
      const b = nodes[j]!;
      if (view.excludes.has(pairKey(view, a, b))) {
        state.humanllm.vetoed++;
        return { failure: 'vetoed: an EXCLUDES pair in the bundle' };
      }
    }
  }
  const edges = edgesAmong(view, nodes);
  if (edges.length) state.humanllm.linked++;
  if (isConnected(nodes, edges)) state.humanllm.connected++;
  return { nodes };
}
