/**
 * How does one pattern reach another: the k best simple paths between two patterns over the
 * relations of a catalog snapshot, each with its chain of typed edges and a signed reading.
 *
 * Ranking: fewest steps first, then strongest — the product of the steps' strengths (the chance a
 * strength-weighted walk takes every step of the chain); ties by the relation ids, so the answer
 * is the same on every run and store. Computed with Yen's k-shortest-paths over a lexicographic
 * (steps, -Σ log strength) cost, so it is exact, not a sample.
 *
 * Direction: REINFORCES and MODULATES act from source to target and are followed only that way.
 * CONFLICTS and EXCLUDES are symmetric (stored once) and are followed either way. VARIANT_OF is
 * followed either way too: twins are one construct, and what acts on a kind acts on its special
 * case and back, for a path's purpose.
 *
 * Sign of a step: REINFORCES +; CONFLICTS −; EXCLUDES −; VARIANT_OF +; MODULATES by its effect
 * (amplifies +, suppresses −, redirects ~, i.e. it changes the form, not the amount).
 * Sign of a chain: the product of its steps' signs (two CONFLICTS make a +: the enemy of an enemy
 * is helped), except that one ~ step makes the chain ~. Reading: + "A works toward B",
 * − "A works against B", ~ "A reshapes how B shows", followed by "through C and D" when the chain
 * has intermediate patterns.
 */
import {
  CAUSAL_TYPES,
  type Catalog,
  type Relation,
  type RelationType,
  type Scope,
  InvalidInputError,
  NotFoundError,
  scopeOf,
} from '../model/index.js';

export type PathSign = '+' | '-' | '~';

export interface PathStep {
  relation: string;
  type: RelationType;
  /** The pattern this step leaves from and the one it reaches (for symmetric types, in path order). */
  from: string;
  to: string;
  /** False when a symmetric or VARIANT_OF relation is followed against its stored direction. */
  forward: boolean;
  strength: number;
  sign: PathSign;
  rationale: string;
  scope?: Scope;
  /** MODULATES only. */
  effect?: string;
  condition?: string;
}

export interface PatternPath {
  /** The patterns in order, from the start to the end. */
  patterns: string[];
  steps: PathStep[];
  /** The product of the steps' strengths, rounded to 4 decimals. */
  strength: number;
  sign: PathSign;
  /** E.g. "loss aversion works against conformity through status quo bias". */
  reading: string;
}

export interface PathOptions {
  /** How many paths (default 3). */
  k?: number;
  /** Relation types to follow (default the causal ones: REINFORCES, CONFLICTS, MODULATES). */
  types?: readonly RelationType[];
  /** At most this many steps (default 4). */
  maxLength?: number;
}

export interface PathsResult {
  from: string;
  to: string;
  k: number;
  types: RelationType[];
  maxLength: number;
  paths: PatternPath[];
  /** Set when no path was found, saying what was searched. */
  message?: string;
}

export const DEFAULT_PATH_K = 3;
export const MAX_PATH_K = 20;
export const DEFAULT_PATH_LENGTH = 4;
export const MAX_PATH_LENGTH = 8;

const FOLLOWED_BOTH_WAYS: ReadonlySet<RelationType> = new Set(['CONFLICTS', 'EXCLUDES', 'VARIANT_OF']);

/** The sign of one relation, by the rules above. */
export function relationSign(r: Relation): PathSign {
  switch (r.type) {
    case 'REINFORCES':
    case 'VARIANT_OF':
      return '+';
    case 'CONFLICTS':
    case 'EXCLUDES':
      return '-';
    case 'MODULATES':
      return r.effect === 'amplifies' ? '+' : r.effect === 'suppresses' ? '-' : '~';
  }
}

/** The sign of a chain: the product of its steps' signs; any ~ step makes it ~. */
export function chainSign(signs: readonly PathSign[]): PathSign {
  if (signs.includes('~')) return '~';
  return signs.filter((s) => s === '-').length % 2 === 0 ? '+' : '-';
}

const VERB: Record<PathSign, string> = {
  '+': 'works toward',
  '-': 'works against',
  '~': 'reshapes how',
};

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** "A works against B through C and D"; for ~, "A reshapes how B shows through C". */
export function readChain(names: readonly string[], sign: PathSign): string {
  const [first, last] = [names[0]!, names[names.length - 1]!];
  const through = names.slice(1, -1);
  const core = sign === '~' ? `${first} ${VERB[sign]} ${last} shows` : `${first} ${VERB[sign]} ${last}`;
  return through.length ? `${core} through ${joinNames(through)}` : core;
}

interface Arc {
  relation: Relation;
  to: string;
  forward: boolean;
  /** -log(strength): the additive form of "strongest" (a product of strengths). */
  cost: number;
}

interface Cost {
  hops: number;
  weight: number;
}

const less = (a: Cost, b: Cost) => a.hops < b.hops || (a.hops === b.hops && a.weight < b.weight - 1e-12);

/** A binary min-heap on (cost, tie-break string). */
class Heap<T extends { cost: Cost; key: string }> {
  private items: T[] = [];
  get size(): number {
    return this.items.length;
  }
  private before(a: T, b: T): boolean {
    if (less(a.cost, b.cost)) return true;
    if (less(b.cost, a.cost)) return false;
    return a.key < b.key;
  }
  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

interface RawPath {
  nodes: string[];
  arcs: Arc[];
  cost: Cost;
  key: string;
}

const pathKey = (arcs: readonly Arc[]) =>
  arcs.map((a) => `${a.relation.id}${a.forward ? '>' : '<'}`).join('|');

function costOf(arcs: readonly Arc[]): Cost {
  return { hops: arcs.length, weight: arcs.reduce((s, a) => s + a.cost, 0) };
}

/** Dijkstra on (hops, weight) from `from` to `to`, avoiding the given nodes and arcs. */
function shortest(
  adjacency: ReadonlyMap<string, Arc[]>,
  from: string,
  to: string,
  blockedNodes: ReadonlySet<string>,
  blockedArcs: ReadonlySet<string>,
  maxHops: number,
): Arc[] | null {
  const best = new Map<string, Cost>([[from, { hops: 0, weight: 0 }]]);
  const via = new Map<string, Arc>();
  const done = new Set<string>();
  const heap = new Heap<{ cost: Cost; key: string; node: string }>();
  heap.push({ cost: { hops: 0, weight: 0 }, key: from, node: from });
  while (heap.size) {
    const { node, cost } = heap.pop()!;
    if (done.has(node)) continue;
    done.add(node);
    if (node === to) break;
    if (cost.hops >= maxHops) continue;
    for (const arc of adjacency.get(node) ?? []) {
      if (blockedNodes.has(arc.to) || done.has(arc.to)) continue;
      if (blockedArcs.has(`${node}|${arc.relation.id}`)) continue;
      const next = { hops: cost.hops + 1, weight: cost.weight + arc.cost };
      const known = best.get(arc.to);
      if (known && !less(next, known)) continue;
      best.set(arc.to, next);
      via.set(arc.to, arc);
      heap.push({ cost: next, key: arc.to, node: arc.to });
    }
  }
  if (!done.has(to)) return null;
  const arcs: Arc[] = [];
  let at = to;
  while (at !== from) {
    const arc = via.get(at)!;
    arcs.push(arc);
    at = arcOrigin(arc);
  }
  return arcs.reverse();
}

const arcOrigin = (arc: Arc) => (arc.forward ? arc.relation.source : arc.relation.target);

function buildAdjacency(
  relations: readonly Relation[],
  types: ReadonlySet<RelationType>,
): Map<string, Arc[]> {
  const adjacency = new Map<string, Arc[]>();
  const add = (from: string, arc: Arc) => {
    const list = adjacency.get(from);
    if (list) list.push(arc);
    else adjacency.set(from, [arc]);
  };
  // relation ids in order, so that equal-cost choices resolve the same way on every store
  const sorted = [...relations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const r of sorted) {
    if (!types.has(r.type) || r.source === r.target) continue;
    const cost = -Math.log(Math.max(r.strength, 1e-6));
    add(r.source, { relation: r, to: r.target, forward: true, cost });
    if (FOLLOWED_BOTH_WAYS.has(r.type)) add(r.target, { relation: r, to: r.source, forward: false, cost });
  }
  return adjacency;
}

/** Yen's algorithm: the k cheapest simple paths, in order. */
function kShortest(
  adjacency: ReadonlyMap<string, Arc[]>,
  from: string,
  to: string,
  k: number,
  maxHops: number,
): RawPath[] {
  const first = shortest(adjacency, from, to, new Set(), new Set(), maxHops);
  if (!first) return [];
  const toRaw = (arcs: Arc[]): RawPath => ({
    nodes: [from, ...arcs.map((a) => a.to)],
    arcs,
    cost: costOf(arcs),
    key: pathKey(arcs),
  });
  const found: RawPath[] = [toRaw(first)];
  const seen = new Set([found[0]!.key]);
  const candidates = new Heap<RawPath>();
  while (found.length < k) {
    const last = found[found.length - 1]!;
    for (let i = 0; i < last.arcs.length; i++) {
      const spur = last.nodes[i]!;
      const root = last.arcs.slice(0, i);
      const rootKey = pathKey(root);
      const blockedArcs = new Set<string>();
      for (const p of found) {
        if (p.arcs.length > i && pathKey(p.arcs.slice(0, i)) === rootKey) {
          blockedArcs.add(`${spur}|${p.arcs[i]!.relation.id}`);
        }
      }
      const blockedNodes = new Set(last.nodes.slice(0, i));
      const rest = shortest(adjacency, spur, to, blockedNodes, blockedArcs, maxHops - i);
      if (!rest) continue;
      const candidate = toRaw([...root, ...rest]);
      if (seen.has(candidate.key)) continue;
      seen.add(candidate.key);
      candidates.push(candidate);
    }
    const next = candidates.pop();
    if (!next) break;
    found.push(next);
  }
  return found;
}

/**
 * The k best simple paths from `from` to `to`. Unknown ids are a NotFoundError naming each;
 * from = to, k or maxLength out of range an InvalidInputError. No path: an empty list and a message.
 */
export function findPaths(
  catalog: Catalog,
  from: string,
  to: string,
  options: PathOptions = {},
): PathsResult {
  const k = options.k ?? DEFAULT_PATH_K;
  const maxLength = options.maxLength ?? DEFAULT_PATH_LENGTH;
  const types = [...new Set(options.types?.length ? options.types : CAUSAL_TYPES)];
  if (!Number.isInteger(k) || k < 1 || k > MAX_PATH_K)
    throw new InvalidInputError(`k must be an integer from 1 to ${MAX_PATH_K} (got ${k})`, [
      { path: 'k', message: `must be an integer from 1 to ${MAX_PATH_K}` },
    ]);
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > MAX_PATH_LENGTH)
    throw new InvalidInputError(
      `maxLength must be an integer from 1 to ${MAX_PATH_LENGTH} (got ${maxLength})`,
      [{ path: 'maxLength', message: `must be an integer from 1 to ${MAX_PATH_LENGTH}` }],
    );
  const names = new Map(catalog.patterns.map((p) => [p.id, p.name]));
  const unknown = [from, to].filter((id, i, all) => !names.has(id) && all.indexOf(id) === i);
  if (unknown.length)
    throw new NotFoundError(
      `unknown pattern${unknown.length > 1 ? 's' : ''}: ${unknown.map((id) => `"${id}"`).join(', ')}`,
      { unknown },
    );
  if (from === to)
    throw new InvalidInputError(`from and to are both "${from}": a path needs two different patterns`, [
      { path: 'to', message: 'must differ from from' },
    ]);

  const adjacency = buildAdjacency(catalog.relations, new Set(types));
  const raw = kShortest(adjacency, from, to, k, maxLength);
  const paths = raw.map((p): PatternPath => {
    const steps = p.arcs.map((a): PathStep => {
      const r = a.relation;
      const scope = scopeOf(r);
      return {
        relation: r.id,
        type: r.type,
        from: arcOrigin(a),
        to: a.to,
        forward: a.forward,
        strength: r.strength,
        sign: relationSign(r),
        rationale: r.rationale,
        ...(scope ? { scope } : {}),
        ...(r.type === 'MODULATES' ? { effect: r.effect, condition: r.condition } : {}),
      };
    });
    const sign = chainSign(steps.map((s) => s.sign));
    const strength = Math.round(steps.reduce((s, x) => s * x.strength, 1) * 1e4) / 1e4;
    return {
      patterns: p.nodes,
      steps,
      strength,
      sign,
      reading: readChain(
        p.nodes.map((id) => names.get(id) ?? id),
        sign,
      ),
    };
  });
  const result: PathsResult = { from, to, k, types, maxLength, paths };
  if (!paths.length)
    result.message =
      `no path from "${from}" to "${to}" of at most ${maxLength} step${maxLength > 1 ? 's' : ''} ` +
      `over ${types.join(', ')}`;
  return result;
}
