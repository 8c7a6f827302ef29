/**
 * Neighbourhood of a focused pattern, by direction. CONFLICTS, EXCLUDES and VARIANT_OF read as symmetric (stored
 * once, source < target), so they count as both incoming and outgoing.
 */
import type { GraphData, GraphEdge, RelationType } from '../api/index.js';

export type Direction = 'both' | 'out' | 'in';
export const DIRECTIONS: readonly Direction[] = ['both', 'out', 'in'];

const SYMMETRIC: ReadonlySet<RelationType> = new Set(['CONFLICTS', 'EXCLUDES', 'VARIANT_OF']);
export const isDirected = (type: RelationType): boolean => !SYMMETRIC.has(type);

export interface Adjacency {
  out: Map<string, GraphEdge[]>;
  in: Map<string, GraphEdge[]>;
}

export function buildAdjacency(data: GraphData): Adjacency {
  const adj: Adjacency = { out: new Map(), in: new Map() };
  const push = (m: Map<string, GraphEdge[]>, k: string, e: GraphEdge) => {
    const list = m.get(k);
    if (list) list.push(e);
    else m.set(k, [e]);
  };
  for (const e of data.edges) {
    push(adj.out, e.source, e);
    push(adj.in, e.target, e);
  }
  return adj;
}

export interface Neighbourhood {
  nodes: Set<string>;
  edges: Set<string>;
}

/** The focused node, its neighbours in `direction`, and the edges between them and it. */
export function neighbourhood(
  adj: Adjacency,
  node: string,
  direction: Direction,
  visibleEdges?: ReadonlySet<string>,
): Neighbourhood {
  const result: Neighbourhood = { nodes: new Set([node]), edges: new Set() };
  const take = (e: GraphEdge, other: string) => {
    if (visibleEdges && !visibleEdges.has(e.id)) return;
    result.edges.add(e.id);
    result.nodes.add(other);
  };
  for (const e of adj.out.get(node) ?? []) {
    if (direction !== 'in' || !isDirected(e.type)) take(e, e.target);
  }
  for (const e of adj.in.get(node) ?? []) {
    if (direction !== 'out' || !isDirected(e.type)) take(e, e.source);
  }
  return result;
}

/** A scenario's subgraph: its patterns and every edge among them, in graph order. */
export function scenarioSubgraph(data: GraphData, patterns: readonly string[]): Neighbourhood {
  const nodes = new Set(patterns);
  const edges = new Set(
    data.edges.filter((e) => nodes.has(e.source) && nodes.has(e.target)).map((e) => e.id),
  );
  return { nodes, edges };
}
