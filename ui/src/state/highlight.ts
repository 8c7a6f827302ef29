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

export interface DepthNeighbourhood extends Neighbourhood {
  /** Steps from the focused pattern to each node (0 for the pattern itself). */
  distance: Map<string, number>;
}

/**
 * The focused node and everything within `depth` steps of it in `direction` (symmetric types
 * both ways), with every edge followed from a node closer than `depth`. Depth 1 is `neighbourhood`.
 */
export function depthNeighbourhood(
  adj: Adjacency,
  node: string,
  depth: number,
  direction: Direction,
  visibleEdges?: ReadonlySet<string>,
): DepthNeighbourhood {
  const distance = new Map<string, number>([[node, 0]]);
  const edges = new Set<string>();
  let frontier = [node];
  for (let d = 1; d <= depth && frontier.length; d++) {
    const next: string[] = [];
    for (const at of frontier) {
      const hood = neighbourhood(adj, at, direction, visibleEdges);
      for (const e of hood.edges) edges.add(e);
      for (const n of hood.nodes) {
        if (distance.has(n)) continue;
        distance.set(n, d);
        next.push(n);
      }
    }
    frontier = next;
  }
  return { nodes: new Set(distance.keys()), edges, distance };
}

/** The nodes and edges of a set of paths (each a list of patterns and the relations between them). */
export function pathsSubgraph(
  paths: readonly { patterns: readonly string[]; steps: readonly { relation: string }[] }[],
): Neighbourhood {
  return {
    nodes: new Set(paths.flatMap((p) => p.patterns)),
    edges: new Set(paths.flatMap((p) => p.steps.map((s) => s.relation))),
  };
}

/**
 * A radial layout for a focus: the focused node at the centre, each distance on a ring of its
 * own, nodes on a ring ordered by the neighbour they were reached from (so branches stay
 * together). Coordinates are relative to the centre, `spacing` apart ring to ring.
 */
export function radialLayout(
  hood: DepthNeighbourhood,
  adj: Adjacency,
  spacing: number,
): Map<string, { x: number; y: number }> {
  const rings: string[][] = [];
  for (const [n, d] of hood.distance) (rings[d] ??= []).push(n);
  const positions = new Map<string, { x: number; y: number }>();
  const angleOf = new Map<string, number>();
  let prevRadius = 0;
  rings.forEach((ring, d) => {
    if (d === 0) {
      positions.set(ring[0]!, { x: 0, y: 0 });
      angleOf.set(ring[0]!, 0);
      return;
    }
    // order by the angle of the first parent found on the previous ring, then by id
    const parentAngle = (n: string) => {
      const around = [
        ...(adj.out.get(n) ?? []).map((e) => e.target),
        ...(adj.in.get(n) ?? []).map((e) => e.source),
      ];
      const parent = around.find((m) => hood.distance.get(m) === d - 1);
      return parent !== undefined ? (angleOf.get(parent) ?? 0) : 0;
    };
    const sorted = [...ring].sort((a, b) => parentAngle(a) - parentAngle(b) || (a < b ? -1 : 1));
    // wide enough that neighbours on the ring sit half a ring step apart
    const radius = Math.max(spacing * d, prevRadius + spacing, (sorted.length * spacing) / (2 * 2 * Math.PI));
    prevRadius = radius;
    sorted.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / sorted.length + (d % 2 ? 0 : Math.PI / sorted.length);
      angleOf.set(n, angle);
      positions.set(n, { x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
    });
  });
  return positions;
}
