/** Runs ForceAtlas2 in a Web Worker and writes the positions back into the graph in one batch. */
import type { LayoutGrouping, LayoutRequest, LayoutResponse } from './layout.worker.js';
import type { PsyGraph } from './build.js';

/** Fewer iterations on big graphs: the worker keeps the page responsive, but users still wait. */
export function iterationsFor(nodes: number): number {
  if (nodes > 5000) return 30;
  if (nodes > 1000) return 120;
  return 400;
}

export interface LayoutResult {
  ms: number;
  /** Each node's group: its family, its community ("c0" the largest), or "" when not grouped. */
  groups: Record<string, string>;
}

export interface LayoutJob {
  done: Promise<LayoutResult>;
  cancel: () => void;
}

/**
 * Lays the graph out, grouped as asked; `beforeApply` runs just before the new positions are
 * written (the focus view forgets what it moved). Each node's group lands in its `group` attribute.
 */
export function runLayout(
  graph: PsyGraph,
  group: LayoutGrouping = 'none',
  beforeApply: () => void = () => {},
): LayoutJob {
  const worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  let cancelled = false;
  const done = new Promise<LayoutResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
      worker.terminate();
      if (cancelled) return;
      const { positions, groups, ms } = event.data;
      beforeApply();
      graph.updateEachNodeAttributes(
        (node, attrs) => {
          const p = positions[node];
          const g = groups[node] ?? '';
          return p ? { ...attrs, x: p.x, y: p.y, group: g } : { ...attrs, group: g };
        },
        { attributes: ['x', 'y', 'group'] },
      );
      resolve({ ms, groups });
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message));
    };
  });
  const request: LayoutRequest = {
    nodes: graph.mapNodes((id, a) => ({ id, x: a.x, y: a.y, family: a.family })),
    edges: graph.mapEdges((_e, a, s, t) => [s, t, a.strength]),
    iterations: iterationsFor(graph.order),
    group,
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
