/// <reference lib="webworker" />
/**
 * ForceAtlas2 off the main thread: a fixed number of iterations from the given start positions,
 * so the result is the same on every load (no randomness) and the page never freezes.
 */
import Graph from 'graphology';
import forceAtlas2 from 'graphology-layout-forceatlas2';

export interface LayoutRequest {
  nodes: { id: string; x: number; y: number }[];
  edges: [string, string, number][];
  iterations: number;
}
export interface LayoutResponse {
  positions: Record<string, { x: number; y: number }>;
  ms: number;
}

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const started = performance.now();
  const { nodes, edges, iterations } = event.data;
  const graph = new Graph({ multi: true, type: 'directed' });
  for (const n of nodes) graph.addNode(n.id, { x: n.x, y: n.y });
  for (const [s, t, w] of edges) graph.addEdge(s, t, { weight: w });
  const settings = {
    ...forceAtlas2.inferSettings(graph),
    // LinLog pulls communities apart, which reads better on a dense graph (~6 edges per node).
    linLogMode: true,
    gravity: 0.5,
    scalingRatio: 4,
  };
  const positions = forceAtlas2(graph, { iterations, settings, getEdgeWeight: 'weight' });
  const response: LayoutResponse = { positions, ms: performance.now() - started };
  postMessage(response);
};
