/**
 * Render-less controller between app state and sigma: pushes visibility and focus in as state
 * flags (only changed items are re-evaluated), moves the camera, and exports the stage as PNG.
 */
import type { Neighbourhood } from '../state/highlight.js';
import type { Visibility } from '../state/filters.js';
import type { PsyRenderer } from './renderer.js';

export class GraphController {
  renderer: PsyRenderer | null = null;
  private hiddenNodes = new Set<string>();
  private hiddenEdges = new Set<string>();
  private activeNodes = new Set<string>();
  private activeEdges = new Set<string>();
  private selected: string | null = null;

  attach(renderer: PsyRenderer): void {
    this.renderer = renderer;
    this.hiddenNodes.clear();
    this.hiddenEdges.clear();
    this.activeNodes.clear();
    this.activeEdges.clear();
    this.selected = null;
  }

  detach(): void {
    this.renderer = null;
  }

  applyVisibility(v: Visibility): void {
    const r = this.renderer;
    if (!r) return;
    const graph = r.getGraph();
    const nextNodes = new Set(graph.filterNodes((n) => !v.nodes.has(n)));
    const nextEdges = new Set(graph.filterEdges((e) => !v.edges.has(e)));
    diff(this.hiddenNodes, nextNodes, (keys, on) => r.setNodesState(keys, { isHidden: on }));
    diff(this.hiddenEdges, nextEdges, (keys, on) => r.setEdgesState(keys, { isHidden: on }));
    this.hiddenNodes = nextNodes;
    this.hiddenEdges = nextEdges;
  }

  applyFocus(focus: Neighbourhood | null, selected: string | null): void {
    const r = this.renderer;
    if (!r) return;
    const graph = r.getGraph();
    const nodes = new Set([...(focus?.nodes ?? [])].filter((n) => graph.hasNode(n)));
    const edges = new Set([...(focus?.edges ?? [])].filter((e) => graph.hasEdge(e)));
    diff(this.activeNodes, nodes, (keys, on) => r.setNodesState(keys, { isActive: on }));
    diff(this.activeEdges, edges, (keys, on) => r.setEdgesState(keys, { isActive: on }));
    this.activeNodes = nodes;
    this.activeEdges = edges;
    if (this.selected !== selected) {
      if (this.selected && r.getGraph().hasNode(this.selected))
        r.setNodeState(this.selected, { isSelected: false });
      if (selected && r.getGraph().hasNode(selected)) r.setNodeState(selected, { isSelected: true });
      this.selected = selected;
    }
    r.setGraphState({ hasFocus: focus !== null });
  }

  /** Centres the camera on a node (and zooms in a little), animated. */
  focusCamera(node: string): void {
    const r = this.renderer;
    const display = r?.getNodeDisplayData(node);
    if (!r || !display) return;
    void r.getCamera().animate({ x: display.x, y: display.y, ratio: 0.35 }, { duration: 450 });
  }

  /** Frames a set of nodes (a scenario), keeping some margin around them. */
  frameNodes(nodes: readonly string[]): void {
    const r = this.renderer;
    if (!r) return;
    const points = nodes.map((n) => r.getNodeDisplayData(n)).filter((d) => d !== undefined);
    if (!points.length) return;
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const ratio = Math.min(1, Math.max(0.2, 1.5 * Math.max(x1 - x0, y1 - y0)));
    void r.getCamera().animate({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio }, { duration: 450 });
  }

  resetCamera(): void {
    void this.renderer?.getCamera().animate({ x: 0.5, y: 0.5, ratio: 1, angle: 0 }, { duration: 300 });
  }

  /**
   * The stage as a PNG data URL. The WebGL buffer is not preserved between frames, so it is read
   * inside the afterRender of a fresh frame.
   */
  snapshot(background: string): Promise<string> {
    const r = this.renderer;
    if (!r) return Promise.reject(new Error('The graph is not drawn yet.'));
    return new Promise((resolve) => {
      r.once('afterRender', () => {
        const stage = r.getStageCanvas();
        const out = document.createElement('canvas');
        out.width = stage.width;
        out.height = stage.height;
        const ctx = out.getContext('2d')!;
        ctx.fillStyle = background;
        ctx.fillRect(0, 0, out.width, out.height);
        ctx.drawImage(stage, 0, 0);
        resolve(out.toDataURL('image/png'));
      });
      r.refresh();
    });
  }
}

function diff(
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
  set: (keys: string[], on: boolean) => void,
): void {
  const on = [...after].filter((k) => !before.has(k));
  const off = [...before].filter((k) => !after.has(k));
  if (on.length) set(on, true);
  if (off.length) set(off, false);
}
