/**
 * The adjacency matrix as data: row and column order (by group, then by degree), and the cell of
 * each ordered pair. A cell (row A, column B) holds the relations by which A acts on B; symmetric
 * types (CONFLICTS, EXCLUDES, twin VARIANT_OF) fill both (A, B) and (B, A). Pure: no DOM.
 */
import type { GraphData, GraphEdge, RelationType, TraitPair } from '../api/index.js';
import { isDirected } from './highlight.js';

export interface MatrixCell {
  row: number;
  col: number;
  /** Strongest first. */
  edges: GraphEdge[];
}

export interface MatrixModel {
  ids: string[];
  /** Where each group starts in `ids`, with its key, in order. */
  groups: { key: string; start: number; size: number }[];
  cells: Map<number, MatrixCell>;
  size: number;
}

const cellKey = (row: number, col: number, n: number) => row * n + col;

/**
 * Orders the visible patterns by group (the overview's groups, else family), groups by size
 * (largest first), inside a group by degree (highest first), then id.
 */
export function matrixOrder(
  data: GraphData,
  visible: ReadonlySet<string>,
  groupOf: (id: string) => string,
): { ids: string[]; groups: MatrixModel['groups'] } {
  const nodes = data.nodes.filter((n) => visible.has(n.id));
  const sizes = new Map<string, number>();
  for (const n of nodes) sizes.set(groupOf(n.id), (sizes.get(groupOf(n.id)) ?? 0) + 1);
  const groupRank = (g: string) => -(sizes.get(g) ?? 0);
  nodes.sort((a, b) => {
    const [ga, gb] = [groupOf(a.id), groupOf(b.id)];
    if (ga !== gb) return groupRank(ga) - groupRank(gb) || (ga < gb ? -1 : 1);
    return b.degree - a.degree || (a.id < b.id ? -1 : 1);
  });
  const ids = nodes.map((n) => n.id);
  const groups: MatrixModel['groups'] = [];
  ids.forEach((id, i) => {
    const key = groupOf(id);
    const last = groups[groups.length - 1];
    if (last && last.key === key) last.size++;
    else groups.push({ key, start: i, size: 1 });
  });
  return { ids, groups };
}

export function buildMatrix(
  data: GraphData,
  visibleNodes: ReadonlySet<string>,
  visibleEdges: ReadonlySet<string>,
  groupOf: (id: string) => string,
): MatrixModel {
  const { ids, groups } = matrixOrder(data, visibleNodes, groupOf);
  const index = new Map(ids.map((id, i) => [id, i]));
  const n = ids.length;
  const cells = new Map<number, MatrixCell>();
  const put = (row: number, col: number, e: GraphEdge) => {
    const key = cellKey(row, col, n);
    const cell = cells.get(key) ?? { row, col, edges: [] };
    cell.edges.push(e);
    cells.set(key, cell);
  };
  for (const e of data.edges) {
    if (!visibleEdges.has(e.id)) continue;
    const [s, t] = [index.get(e.source), index.get(e.target)];
    if (s === undefined || t === undefined) continue;
    put(s, t, e);
    if (!isDirected(e.type)) put(t, s, e);
  }
  for (const cell of cells.values())
    cell.edges.sort((a, b) => b.strength - a.strength || (a.id < b.id ? -1 : 1));
  return { ids, groups, cells, size: n };
}

export function matrixCell(m: MatrixModel, row: number, col: number): MatrixCell | undefined {
  return m.cells.get(cellKey(row, col, m.size));
}

/** The trait view: every trait, ordered by dimension, pole (+ first) and id; one verdict per pair. */
export function traitOrder(data: GraphData): string[] {
  return data.nodes
    .filter((n) => n.kind === 'trait')
    .sort(
      (a, b) =>
        (a.family < b.family ? -1 : a.family > b.family ? 1 : 0) ||
        (a.pole === b.pole ? 0 : a.pole === '+' ? -1 : 1) ||
        (a.id < b.id ? -1 : 1),
    )
    .map((n) => n.id);
}

export const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

export function traitIndex(pairs: readonly TraitPair[]): Map<string, TraitPair> {
  return new Map(pairs.map((p) => [pairKey(p.a, p.b), p]));
}

/** The relation type a cell is coloured by: its strongest relation's. */
export function cellType(cell: MatrixCell): RelationType {
  return cell.edges[0]!.type;
}
