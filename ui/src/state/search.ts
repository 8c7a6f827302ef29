/** Name and alias search for the suggestion box: prefix matches first, then word starts, then substrings. */
import type { GraphNode } from '../api/index.js';

export interface Suggestion {
  node: GraphNode;
  /** The alias that matched, when it was not the name. */
  via?: string;
  score: number;
}

function scoreText(text: string, q: string): number {
  const t = text.toLowerCase();
  if (t === q) return 0;
  if (t.startsWith(q)) return 1;
  if (t.split(/[\s-]+/).some((w) => w.startsWith(q))) return 2;
  return t.includes(q) ? 3 : Infinity;
}

export function suggest(nodes: readonly GraphNode[], query: string, limit = 8): Suggestion[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const found: Suggestion[] = [];
  for (const node of nodes) {
    let best: Suggestion = { node, score: Math.min(scoreText(node.name, q), scoreText(node.id, q)) };
    for (const alias of node.aliases) {
      const s = scoreText(alias, q);
      if (s < best.score) best = { node, via: alias, score: s };
    }
    if (best.score < Infinity) found.push(best);
  }
  found.sort(
    (a, b) => a.score - b.score || b.node.degree - a.node.degree || a.node.name.localeCompare(b.node.name),
  );
  return found.slice(0, limit);
}
