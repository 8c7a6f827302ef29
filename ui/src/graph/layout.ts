/** Runs ForceAtlas2 in a Web Worker and writes the positions back into the graph in one batch. */
import type { LayoutRequest, LayoutResponse } from './layout.worker.js';
import type { PsyGraph } from './build.js';

/** Fewer iterations on big graphs: the worker keeps the page responsive, but users still wait. */
export function iterationsFor(nodes: number): number {
  if (nodes > 5000) return 30;
  if (nodes > 1000) return 120;
  return 400;
}

export interface LayoutJob {
  done: Promise<number>;
  cancel: () => void;
}

export function runLayout(graph: PsyGraph, beforeApply: () => void = () => {}): LayoutJob {
  const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  let cancelled = false;
  const done = new Promise<number>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
      worker.terminate();
      if (cancelled) return;
      const { positions, ms } = event.data;
      beforeApply();
      graph.updateEachNodeAttributes(
        (node, attrs) => {
          const p = positions[node];
          return p ? { ...attrs, x: p.x, y: p.y } : attrs;
        },
        { attributes: ['x', 'y'] },
      );
      resolve(ms);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message));
    };
  });
  const request: LayoutRequest = {
    nodes: graph.mapNodes((id, a) => ({ id, x: a.x, y: a.y })),
    edges: graph.mapEdges((_e, a, s, t) => [s, t, a.strength]),
    iterations: iterationsFor(graph.order),
  };
  worker.postMessage(request);
  return {
    done,
    cancel: () => {
      cancelled = true;
      worker.terminate();
    },
  };
}
