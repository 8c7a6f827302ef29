/**
 * A read-only, index-based view of the graph for sampling: patterns are numbered 0..n-1 in id
 * order, causal edges are kept as adjacency lists, EXCLUDES as a pair set. Built once per batch;
 * every sampler reads it and never changes it.
 */
import { CAUSAL_TYPES, type CausalType, type Pattern, type Relation, type Scope } from '../model/index.js';

/** What a view keeps of a pattern; a full Pattern is one. */
export type ViewPattern = Pick<Pattern, 'id' | 'kind'> & {
  dimension?: Extract<Pattern, { kind: 'trait' }>['dimension'];
  pole?: Extract<Pattern, { kind: 'trait' }>['pole'];
};

/** What a view needs of a relation (a full Relation is one): the in-database walk reads just these. */
export interface ViewRelation {
  id: string;
  type: Relation['type'];
  source: string;
  target: string;
  strength: number;
  /** Required on causal relations. */
  scope?: Scope;
}

/** A Catalog, or the part of one a view is built from. */
export interface ViewCatalog {
  patterns: readonly ViewPattern[];
  relations: readonly ViewRelation[];
  situations: readonly { id: string }[];
}

export interface ViewEdge {
  index: number;
  id: string;
  type: CausalType;
  /** 1, 2 or 4 for REINFORCES, CONFLICTS, MODULATES: lets a walk test its allowed types with one AND. */
  typeBit: number;
  source: number;
  target: number;
  /** Strength in hundredths, an integer, so weight sums are exact in any language (and in Cypher). */
  weight: number;
  /** Who the edge acts within (see characters.ts for how casts honour it). */
  scope: Scope;
}

export interface SamplerView {
  ids: readonly string[];
  patterns: readonly ViewPattern[];
  indexOf: ReadonlyMap<string, number>;
  isTrait: readonly boolean[];
  edges: readonly ViewEdge[];
  /** For each pattern, the causal edges touching it (either direction). */
  adjacency: readonly (readonly ViewEdge[])[];
  /** Causal edges between two patterns, keyed by pairKey(a, b). */
  pairEdges: ReadonlyMap<number, readonly ViewEdge[]>;
  /** EXCLUDES pairs, keyed by pairKey(a, b). */
  excludes: ReadonlySet<number>;
  /** VARIANT_OF pairs (near-twins), keyed by pairKey(a, b); never walked. */
  variants: ReadonlySet<number>;
  situations: readonly string[];
}

export function pairKey(view: { ids: readonly string[] }, a: number, b: number): number {
  const n = view.ids.length;
  return a < b ? a * n + b : b * n + a;
}

export const TYPE_BITS: Record<CausalType, number> = { REINFORCES: 1, CONFLICTS: 2, MODULATES: 4 };

const masks = new WeakMap<object, number>();

/** Bit mask of a set of causal types (cached per set object: the walk asks for it on every step). */
export function typeMask(types: ReadonlySet<CausalType>): number {
  let mask = masks.get(types);
  if (mask === undefined) {
    mask = 0;
    for (const t of types) mask |= TYPE_BITS[t];
    masks.set(types, mask);
  }
  return mask;
}

export const toWeight = (strength: number): number => Math.round(strength * 100);

export function buildSamplerView(catalog: ViewCatalog): SamplerView {
  const patterns = [...catalog.patterns].sort((a, b) => (a.id < b.id ? -1 : 1));
  const ids = patterns.map((p) => p.id);
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const view = { ids };
  const adjacency: ViewEdge[][] = ids.map(() => []);
  const pairEdges = new Map<number, ViewEdge[]>();
  const excludes = new Set<number>();
  const variants = new Set<number>();
  const edges: ViewEdge[] = [];
  const relations = [...catalog.relations].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const r of relations) {
    const s = indexOf.get(r.source);
    const t = indexOf.get(r.target);
    if (s === undefined || t === undefined) continue;
    if (r.type === 'EXCLUDES' || r.type === 'VARIANT_OF') {
      (r.type === 'EXCLUDES' ? excludes : variants).add(pairKey(view, s, t));
      continue;
    }
    if (!r.scope) throw new Error(`causal relation ${r.id} has no scope`);
    const edge: ViewEdge = {
      index: edges.length,
      id: r.id,
      type: r.type,
      typeBit: TYPE_BITS[r.type],
      source: s,
      target: t,
      weight: toWeight(r.strength),
      scope: r.scope,
    };
    edges.push(edge);
    adjacency[s]!.push(edge);
    adjacency[t]!.push(edge);
    const key = pairKey(view, s, t);
    pairEdges.set(key, [...(pairEdges.get(key) ?? []), edge]);
  }
  return {
    ids,
    patterns,
    indexOf,
    isTrait: patterns.map((p) => p.kind === 'trait'),
    edges,
    adjacency,
    pairEdges,
    excludes,
    variants,
    situations: [...catalog.situations].map((s) => s.id).sort(),
  };
}

export function otherEnd(edge: ViewEdge, node: number): number {
  return edge.source === node ? edge.target : edge.source;
}

export function isCausalType(type: string): type is CausalType {
  return (CAUSAL_TYPES as readonly string[]).includes(type);
}
