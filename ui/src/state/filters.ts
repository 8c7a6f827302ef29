/**
 * Legend filters as pure producers `(args) => (state) => state`, and the predicates that decide
 * what is drawn. Hidden things are listed (not shown ones), so a new relation type or family
 * appears by default.
 */
import type { GraphData, GraphEdge, GraphNode, Pole, RelationType, Scope } from '../api/index.js';

export interface FilterState {
  hiddenTypes: readonly RelationType[];
  hiddenFamilies: readonly string[];
  hiddenPoles: readonly Pole[];
  /** Causal edges acting within one mind, between two people, or either (see the scope legend). */
  hiddenScopes: readonly Scope[];
  minStrength: number;
}

export const DEFAULT_FILTERS: FilterState = {
  hiddenTypes: [],
  hiddenFamilies: [],
  hiddenPoles: [],
  hiddenScopes: [],
  minStrength: 0,
};

function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

export const toggleType =
  (type: RelationType) =>
  (f: FilterState): FilterState => ({ ...f, hiddenTypes: toggled(f.hiddenTypes, type) });

export const toggleFamily =
  (family: string) =>
  (f: FilterState): FilterState => ({ ...f, hiddenFamilies: toggled(f.hiddenFamilies, family) });

export const togglePole =
  (pole: Pole) =>
  (f: FilterState): FilterState => ({ ...f, hiddenPoles: toggled(f.hiddenPoles, pole) });

export const toggleScope =
  (scope: Scope) =>
  (f: FilterState): FilterState => ({ ...f, hiddenScopes: toggled(f.hiddenScopes, scope) });

export const setMinStrength =
  (value: number) =>
  (f: FilterState): FilterState => ({ ...f, minStrength: Math.min(1, Math.max(0, value)) });

export const resetFilters = () => (): FilterState => DEFAULT_FILTERS;

export function isFiltering(f: FilterState): boolean {
  return (
    f.hiddenTypes.length > 0 ||
    f.hiddenFamilies.length > 0 ||
    f.hiddenPoles.length > 0 ||
    f.hiddenScopes.length > 0 ||
    f.minStrength > 0
  );
}

export function nodeVisible(node: GraphNode, f: FilterState): boolean {
  if (f.hiddenFamilies.includes(node.family)) return false;
  return !(node.pole && f.hiddenPoles.includes(node.pole));
}

export function edgeVisible(edge: GraphEdge, f: FilterState, visibleNodes: ReadonlySet<string>): boolean {
  return (
    !f.hiddenTypes.includes(edge.type) &&
    !(edge.scope && f.hiddenScopes.includes(edge.scope)) &&
    edge.strength >= f.minStrength &&
    visibleNodes.has(edge.source) &&
    visibleNodes.has(edge.target)
  );
}

export interface Visibility {
  nodes: Set<string>;
  edges: Set<string>;
}

/** What the filters leave on screen. */
export function visibleSubgraph(data: GraphData, f: FilterState): Visibility {
  const nodes = new Set<string>();
  for (const n of data.nodes) if (nodeVisible(n, f)) nodes.add(n.id);
  // one pass without intermediate arrays: on a 40,000-relation graph this runs as the page loads
  const edges = new Set<string>();
  for (const e of data.edges) if (edgeVisible(e, f, nodes)) edges.add(e.id);
  return { nodes, edges };
}

export interface LegendCounts {
  types: Record<string, number>;
  families: Record<string, number>;
  poles: Record<string, number>;
  scopes: Record<string, number>;
}

/** Counts per legend item over the whole graph (what toggling the item would show or hide). */
export function legendCounts(data: GraphData): LegendCounts {
  const counts: LegendCounts = { types: {}, families: {}, poles: {}, scopes: {} };
  const bump = (rec: Record<string, number>, key: string) => (rec[key] = (rec[key] ?? 0) + 1);
  for (const e of data.edges) {
    bump(counts.types, e.type);
    if (e.scope) bump(counts.scopes, e.scope);
  }
  for (const n of data.nodes) {
    bump(counts.families, n.family);
    if (n.pole) bump(counts.poles, n.pole);
  }
  return counts;
}
