/**
 * API graph → the items the renderer draws, with visual attributes (added to a graphology
 * MultiGraph in chunks by the graph view). The renderer reads only these attributes; domain data
 * stays in the API payload.
 */
import Graph from 'graphology';
import type { GraphData, GraphNode } from '../api/index.js';
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

/** The graph as plain items, ready to be added in chunks (no graphology work up front). */
export interface GraphItems {
  nodes: { key: string; attributes: NodeAttrs }[];
  edges: { key: string; source: string; target: string; attributes: EdgeAttrs }[];
}

export function graphItems(data: GraphData): GraphItems {
  const maxDegree = data.nodes.reduce((m, n) => Math.max(m, n.degree), 1);
  const positions = groupedPositions(data.nodes);
  const nodes = data.nodes.map((n) => {
    const p = positions.get(n.id)!;
    return {
      key: n.id,
      attributes: {
        x: p.x,
        y: p.y,
        size: 3 + 9 * Math.sqrt(n.degree / maxDegree),
        color: nodeColor(n),
        label: n.name,
        shape: n.kind === 'trait' ? ('circle' as const) : ('diamond' as const),
        family: n.family,
        group: n.family,
      },
    };
  });
  const ids = new Set(data.nodes.map((n) => n.id));
  const edges = data.edges
    .filter((e) => ids.has(e.source) && ids.has(e.target))
    .map((e) => {
      const style = RELATION_STYLES[e.type];
      return {
        key: e.id,
        source: e.source,
        target: e.target,
        attributes: {
          relation: e.type,
          strength: e.strength,
          size: 0.5 + 1.2 * e.strength,
          color: style.color,
          head: style.directed ? ('arrow' as const) : ('none' as const),
          dashSize: style.dashed ? 6 : 0,
          label: style.label,
        },
      };
    });
  return { nodes, edges };
}
