/**
 * API graph → graphology MultiGraph with visual attributes. The renderer reads only these
 * attributes; domain data stays in the API payload.
 */
import Graph from 'graphology';
import type { GraphData, GraphNode } from '../api/types.js';
import { FALLBACK_COLOR, FAMILY_COLORS, RELATION_STYLES, tint } from './colors.js';

export interface NodeAttrs {
  x: number;
  y: number;
  size: number;
  color: string;
  label: string;
  shape: 'circle' | 'diamond';
  family: string;
  /** The group the overview layout keeps it in (family, community "c0"…, or ""). */
  group: string;
  /** Its colour by library coverage (set when coverage colouring is on). */
  coverageColor?: string;
}

export interface EdgeAttrs {
  relation: string;
  strength: number;
  size: number;
  color: string;
  head: 'arrow' | 'none';
  dashSize: number;
  label: string;
  covered?: boolean;
  coverageColor?: string;
}

export type PsyGraph = Graph<NodeAttrs, EdgeAttrs>;

export function nodeColor(node: GraphNode): string {
  const base = FAMILY_COLORS[node.family] ?? FALLBACK_COLOR;
  return node.pole === '-' ? tint(base) : base;
}

/**
 * Start positions: families on a ring, each family a sunflower disc around its centre, so the
 * first frame is already readable before ForceAtlas2 refines it.
 */
export function groupedPositions(nodes: readonly GraphNode[]): Map<string, { x: number; y: number }> {
  const families = [...new Set(nodes.map((n) => n.family))].sort();
  const byFamily = new Map<string, GraphNode[]>(families.map((f) => [f, []]));
  for (const n of nodes) byFamily.get(n.family)!.push(n);
  const ring = 40 * Math.sqrt(nodes.length);
  const golden = Math.PI * (3 - Math.sqrt(5));
  const positions = new Map<string, { x: number; y: number }>();
  families.forEach((family, k) => {
    const angle = (2 * Math.PI * k) / families.length;
    const [cx, cy] = [ring * Math.cos(angle), ring * Math.sin(angle)];
    byFamily.get(family)!.forEach((n, i) => {
      const r = 6 * Math.sqrt(i + 0.5);
      positions.set(n.id, { x: cx + r * Math.cos(i * golden), y: cy + r * Math.sin(i * golden) });
    });
  });
  return positions;
}

/** The graph type the renderer draws: parallel typed edges between one pair are allowed. */
export function emptyGraph(): PsyGraph {
  return new Graph<NodeAttrs, EdgeAttrs>({ multi: true, type: 'directed' });
}

export function buildGraph(data: GraphData): PsyGraph {
  const graph = emptyGraph();
  const maxDegree = Math.max(1, ...data.nodes.map((n) => n.degree));
  const positions = groupedPositions(data.nodes);
  for (const n of data.nodes) {
    const p = positions.get(n.id)!;
    graph.addNode(n.id, {
      x: p.x,
      y: p.y,
      size: 3 + 9 * Math.sqrt(n.degree / maxDegree),
      color: nodeColor(n),
      label: n.name,
      shape: n.kind === 'trait' ? 'circle' : 'diamond',
      family: n.family,
      group: n.family,
    });
  }
  for (const e of data.edges) {
    if (!graph.hasNode(e.source) || !graph.hasNode(e.target)) continue;
    const style = RELATION_STYLES[e.type];
    graph.addDirectedEdgeWithKey(e.id, e.source, e.target, {
      relation: e.type,
      strength: e.strength,
      size: 0.5 + 1.2 * e.strength,
      color: style.color,
      head: style.directed ? 'arrow' : 'none',
      dashSize: style.dashed ? 6 : 0,
      label: style.label,
    });
  }
  return graph;
}
