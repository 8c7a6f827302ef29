/// <reference lib="webworker" />
/**
 * ForceAtlas2 off the main thread: a fixed number of iterations from the given start positions,
 * so the result is the same on every load (no randomness) and the page never freezes.
 *
 * Grouped layouts ("group by" family or Louvain community) keep each group together: every group
 * gets a hub node tied to its members, edges inside a group pull harder and edges across groups
 * softer. The hubs are dropped afterwards. Communities are computed here too (Louvain, seeded),
 * so a 10,000-pattern graph costs the page nothing.
 */
import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import forceAtlas2 from 'graphology-layout-forceatlas2';

export type LayoutGrouping = 'family' | 'community' | 'none';

export interface LayoutRequest {
  nodes: { id: string; x: number; y: number; family: string }[];
  edges: [string, string, number][];
  iterations: number;
  group: LayoutGrouping;
}
export interface LayoutResponse {
  positions: Record<string, { x: number; y: number }>;
  /** The group of each node (its family, its community as "c0", "c1", …, or "" for none). */
  groups: Record<string, string>;
  ms: number;
}

const HUB = '\u0000hub:';
const INSIDE = 3;
const ACROSS = 0.25;

/** A seeded generator for Louvain, so communities are the same on every load. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function communities(nodes: LayoutRequest['nodes'], edges: LayoutRequest['edges']): Record<string, string> {
  const g = new Graph({ type: 'undirected', multi: false });
  for (const n of nodes) g.addNode(n.id);
  for (const [s, t, w] of edges) {
    if (s === t) continue;
    if (g.hasEdge(s, t)) g.updateEdgeAttribute(s, t, 'weight', (x: number) => x + w);
    else g.addEdge(s, t, { weight: w });
  }
  const raw = louvain(g, { rng: mulberry32(42), getEdgeWeight: 'weight' });
  // number communities by size, largest first, so "c0" is the biggest on every load
  const sizes = new Map<number, number>();
  for (const c of Object.values(raw)) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const order = [...sizes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c]) => c);
  const rank = new Map(order.map((c, i) => [c, i]));
  return Object.fromEntries(Object.entries(raw).map(([id, c]) => [id, `c${rank.get(c)}`]));
}

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const started = performance.now();
  const { nodes, edges, iterations, group } = event.data;
  const groups: Record<string, string> =
    group === 'community'
      ? communities(nodes, edges)
      : Object.fromEntries(nodes.map((n) => [n.id, group === 'family' ? n.family : '']));
  const graph = new Graph({ multi: true, type: 'directed' });
  for (const n of nodes) graph.addNode(n.id, { x: n.x, y: n.y });
  const grouped = group !== 'none';
  for (const [s, t, w] of edges) {
    const factor = grouped ? (groups[s] === groups[t] ? INSIDE : ACROSS) : 1;
    graph.addEdge(s, t, { weight: w * factor });
  }
  if (grouped) {
    // a hub per group at its members' mean start position, tied to each member
    const members = new Map<string, { x: number; y: number; ids: string[] }>();
    for (const n of nodes) {
      const key = groups[n.id]!;
      const m = members.get(key) ?? { x: 0, y: 0, ids: [] };
      m.x += n.x;
      m.y += n.y;
      m.ids.push(n.id);
      members.set(key, m);
    }
    for (const [key, m] of members) {
      const hub = HUB + key;
      graph.addNode(hub, { x: m.x / m.ids.length, y: m.y / m.ids.length });
      for (const id of m.ids) graph.addEdge(hub, id, { weight: 2 });
    }
  }
  const settings = {
    ...forceAtlas2.inferSettings(graph),
    // LinLog pulls communities apart, which reads better on a dense graph (~6 edges per node).
    linLogMode: true,
    gravity: 0.5,
    scalingRatio: 4,
    // node sizes are not known here; a little repulsion by degree keeps hubs from piling up
    outboundAttractionDistribution: grouped,
  };
  const all = forceAtlas2(graph, { iterations, settings, getEdgeWeight: 'weight' });
  const positions: LayoutResponse['positions'] = {};
  for (const [id, p] of Object.entries(all)) if (!id.startsWith(HUB)) positions[id] = p;
  const response: LayoutResponse = { positions, groups, ms: performance.now() - started };
  postMessage(response);
};
