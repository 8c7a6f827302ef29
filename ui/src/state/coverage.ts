/**
 * Library coverage: how often the saved scenarios use each pattern and each relation (a relation
 * is used when a scenario holds both its ends), so the patterns and edges no scenario touches —
 * the gaps — stand out. Pure: no DOM.
 */
import type { GraphData } from '../api/index.js';

export interface Coverage {
  nodes: Map<string, number>;
  edges: Map<string, number>;
  maxNode: number;
  maxEdge: number;
  scenarios: number;
}

export function coverageOf(data: GraphData, scenarios: readonly { patterns: readonly string[] }[]): Coverage {
  const nodes = new Map<string, number>();
  const edges = new Map<string, number>();
  const bySource = new Map<string, GraphData['edges']>();
  for (const e of data.edges) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e]);
  for (const s of scenarios) {
    const members = new Set(s.patterns);
    for (const p of members) nodes.set(p, (nodes.get(p) ?? 0) + 1);
    for (const p of members)
      for (const e of bySource.get(p) ?? [])
        if (members.has(e.target)) edges.set(e.id, (edges.get(e.id) ?? 0) + 1);
  }
  return {
    nodes,
    edges,
    maxNode: Math.max(0, ...nodes.values()),
    maxEdge: Math.max(0, ...edges.values()),
    scenarios: scenarios.length,
  };
}

/** Unused: a warm warning colour; used: light to dark blue with the count (square-root scale). */
export const GAP_COLOR = '#e4572e';
export function coverageColor(count: number, max: number): string {
  if (count <= 0) return GAP_COLOR;
  const t = max <= 1 ? 1 : Math.sqrt((count - 1) / (max - 1));
  const lerp = (a: number, b: number) => Math.round(a + (b - a) * t);
  const [r, g, b] = [lerp(0x9e, 0x08), lerp(0xca, 0x30), lerp(0xe1, 0x6b)];
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}
