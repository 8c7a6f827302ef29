import { MultiDirectedGraph } from 'graphology';
import type { Pattern } from './pattern.js';
import type { Relation } from './relation.js';

/** Node attributes are the pattern itself; edge attributes the relation. */
export type PatternGraph = MultiDirectedGraph<Pattern, Relation>;

/**
 * Builds the graph as a graphology MultiDirectedGraph: one node per pattern, one edge per relation
 * keyed by its id. A pair may carry several types (e.g. REINFORCES one way, MODULATES the other).
 * Symmetric relations keep their stored direction (source < target); read them as undirected.
 */
export function buildGraph(patterns: readonly Pattern[], relations: readonly Relation[]): PatternGraph {
  const graph: PatternGraph = new MultiDirectedGraph({ allowSelfLoops: false });
  for (const p of patterns) graph.addNode(p.id, p);
  for (const r of relations) {
    if (graph.hasNode(r.source) && graph.hasNode(r.target))
      graph.addDirectedEdgeWithKey(r.id, r.source, r.target, r);
  }
  return graph;
}
