/**
 * Render-less controller between app state and sigma: pushes visibility and focus in as state
 * flags (only changed items are re-evaluated), moves the camera, and exports the stage as PNG.
 */
import type { Neighbourhood } from '../state/highlight.js';
import type { Visibility } from '../state/filters.js';
import { coverageColor, type Coverage } from '../state/coverage.js';
import type { HoverLayer } from './hover.js';
import { LABEL_FONT, LABEL_SIZE, OVERVIEW_RATIO, type PsyRenderer } from './renderer.js';

export class GraphController {
  renderer: PsyRenderer | null = null;
  /** The hover highlight drawn over the stage (set by the graph view). */
  hover: HoverLayer | null = null;
  private hiddenNodes = new Set<string>();
  private hiddenEdges = new Set<string>();
  private activeNodes = new Set<string>();
  private activeEdges = new Set<string>();
  private selected: string | null = null;
  /** Where the nodes the focus view moved stood in the overview, to put them back. */
  private moved = new Map<string, { x: number; y: number }>();
  private labelled = new Set<string>();
  private listening = new WeakSet<PsyRenderer>();
  private labelTimer: ReturnType<typeof setTimeout> | undefined;
  private measure: CanvasRenderingContext2D | null = null;
  private widths = new Map<string, number>();
  /** Screen rectangles labels must keep clear of (the group labels), set by the graph view. */
  obstacles: Rect[] = [];
  /** The label boxes of the last pass, for the tests and the benchmark. */
  labelBoxes: Rect[] = [];

  attach(renderer: PsyRenderer): void {
    this.renderer = renderer;
    this.hiddenNodes.clear();
    this.hiddenEdges.clear();
    this.activeNodes.clear();
    this.activeEdges.clear();
    this.selected = null;
    this.moved.clear();
    this.labelled.clear();
    if (this.listening.has(renderer)) return;
    this.listening.add(renderer);
    renderer.getCamera().on('updated', (state) => {
      const zoomedOut = state.ratio >= OVERVIEW_RATIO;
      if (renderer.getGraphState().zoomedOut !== zoomedOut) renderer.setGraphState({ zoomedOut });
      this.scheduleLabels();
    });
  }

  detach(): void {
    clearTimeout(this.labelTimer);
    this.renderer = null;
    this.hover = null;
  }

  /** Whether a pattern is filtered out of the drawing. */
  isHidden(node: string): boolean {
    return this.hiddenNodes.has(node);
  }

  scheduleLabels(delay = 60): void {
    clearTimeout(this.labelTimer);
    this.labelTimer = setTimeout(() => this.layoutLabels(), delay);
  }

  /**
   * The label pass: decides which labels are drawn so that no two overlap (nor a group label).
   * Candidates are the visible nodes on screen (in a focus, only the focused ones), taken in
   * order: the selected pattern, then focused ones, then by size; a label is drawn if its box is
   * free. A grid of 64 px buckets keeps the pass near-linear, and at most MAX_TRIED patterns on
   * screen are tried, so a big graph costs a sort and a few thousand projections.
   */
  layoutLabels(): void {
    const r = this.renderer;
    if (!r) return;
    const graph = r.getGraph();
    const { width, height } = r.getDimensions();
    const focus = r.getGraphState().hasFocus;
    this.measure ??= document.createElement('canvas').getContext('2d');
    const ctx = this.measure;
    if (ctx) ctx.font = `${LABEL_SIZE}px ${LABEL_FONT}`;
    // Candidates in order of preference, from the attributes (no projection yet): a big graph has
    // far more patterns than labels fit, so only the first ones are projected and tried.
    const candidates: { node: string; size: number; rank: number }[] = [];
    graph.forEachNode((node, a) => {
      if (this.hiddenNodes.has(node)) return;
      const active = this.activeNodes.has(node);
      if (focus && !active) return;
      candidates.push({ node, size: a.size, rank: node === this.selected ? 0 : active ? 1 : 2 });
    });
    candidates.sort((a, b) => a.rank - b.rank || b.size - a.size || (a.node < b.node ? -1 : 1));
    // label widths are measured once, and only for labels that get as far as a full test
    const widthOf = (node: string) => {
      let w = this.widths.get(node);
      if (w === undefined) {
        const label = graph.getNodeAttribute(node, 'label');
        w = ctx ? ctx.measureText(label).width : label.length * 7;
        this.widths.set(node, w);
      }
      return w;
    };
    const CELL = 64;
    const grid = new Map<string, Rect[]>();
    const cells = (b: Rect) => {
      const keys: string[] = [];
      for (let i = Math.floor(b.x / CELL); i <= Math.floor((b.x + b.w) / CELL); i++)
        for (let j = Math.floor(b.y / CELL); j <= Math.floor((b.y + b.h) / CELL); j++) keys.push(`${i},${j}`);
      return keys;
    };
    const place = (b: Rect) => {
      for (const k of cells(b)) {
        const list = grid.get(k);
        if (list) list.push(b);
        else grid.set(k, [b]);
      }
    };
    const free = (b: Rect) => cells(b).every((k) => !(grid.get(k) ?? []).some((o) => overlaps(o, b)));
    if (!focus) for (const o of this.obstacles) place(o);
    const shown = new Set<string>();
    const boxes: Rect[] = [];
    let tried = 0;
    for (const c of candidates) {
      // from the attributes, not sigma's display data (a copy per call): the same position and size
      const p = r.graphToViewport(graph.getNodeAttributes(c.node));
      if (p.x < -50 || p.y < -20 || p.x > width + 20 || p.y > height + 20) continue;
      if (c.rank > 0 && ++tried > MAX_TRIED) break;
      const size = r.scaleSize(c.size);
      // sigma draws a label to the right of its node, vertically centred on it
      const box = { x: p.x + size + 2, y: p.y - LABEL_SIZE / 2 - 1, w: 1, h: LABEL_SIZE + 2 };
      // on a crowded stage most labels fail on their first pixel: no need to measure those
      if (c.rank > 0 && (box.y < 0 || box.y + box.h > height || !free(box))) continue;
      box.w = widthOf(c.node) + 2;
      if (c.rank > 0 && (!free(box) || box.x + box.w > width)) continue;
      place(box);
      boxes.push(box);
      shown.add(c.node);
    }
    const on = [...shown].filter((n) => !this.labelled.has(n));
    const off = [...this.labelled].filter((n) => !shown.has(n) && graph.hasNode(n));
    if (on.length) r.setNodesState(on, { labelShown: true });
    if (off.length) r.setNodesState(off, { labelShown: false });
    this.labelled = shown;
    this.labelBoxes = boxes;
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
    this.scheduleLabels(0);
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
    this.scheduleLabels(0);
  }

  /** Centres the camera on a node (and zooms in a little), animated. */
  focusCamera(node: string): void {
    const r = this.renderer;
    const display = r?.getNodeDisplayData(node);
    if (!r || !display) return;
    void r.getCamera().animate({ x: display.x, y: display.y, ratio: 0.35 }, { duration: 450 });
  }

  /**
   * The focus view's own layout: the given nodes move to `positions` (relative to the centre node,
   * one unit per ring, scaled to the graph's size) around where the centre stands; null puts every
   * moved node back. Then the camera frames them.
   */
  applyLocalLayout(
    layout: { center: string; positions: ReadonlyMap<string, { x: number; y: number }> } | null,
  ): void {
    const r = this.renderer;
    if (!r) return;
    const graph = r.getGraph();
    for (const [n, p] of this.moved) if (graph.hasNode(n)) graph.mergeNodeAttributes(n, p);
    this.moved.clear();
    if (!layout || !graph.hasNode(layout.center)) return;
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    graph.forEachNode((_n, a) => {
      [x0, x1, y0, y1] = [Math.min(x0, a.x), Math.max(x1, a.x), Math.min(y0, a.y), Math.max(y1, a.y)];
    });
    const spacing = Math.max(x1 - x0, y1 - y0, 1) * 0.09;
    const cx = graph.getNodeAttribute(layout.center, 'x');
    const cy = graph.getNodeAttribute(layout.center, 'y');
    for (const [n, p] of layout.positions) {
      if (!graph.hasNode(n)) continue;
      const a = graph.getNodeAttributes(n);
      this.moved.set(n, { x: a.x, y: a.y });
      graph.mergeNodeAttributes(n, { x: cx + p.x * spacing, y: cy + p.y * spacing });
    }
    // draw now, so the display data the camera frames is current: only the nodes are reprocessed
    // (the edges follow their nodes on the GPU)
    r.refresh({ partialGraph: { nodes: [...this.moved.keys()] } });
    this.frameNodes([...layout.positions.keys()]);
  }

  /** Colours patterns and relations by library coverage; null goes back to the usual colours. */
  applyCoverage(coverage: Coverage | null): void {
    const r = this.renderer;
    if (!r) return;
    if (coverage) {
      const graph = r.getGraph();
      graph.updateEachNodeAttributes((n, a) => ({
        ...a,
        coverageColor: coverageColor(coverage.nodes.get(n) ?? 0, coverage.maxNode),
      }));
      graph.updateEachEdgeAttributes((e, a) => {
        const count = coverage.edges.get(e) ?? 0;
        return {
          ...a,
          covered: count > 0,
          coverageColor: count ? coverageColor(count, coverage.maxEdge) : a.color,
        };
      });
    }
    r.setGraphState({ coverage: coverage !== null });
  }

  /** The layout worker is about to write new positions: what the focus view moved is not to be put back. */
  forgetLocalLayout(): void {
    this.moved.clear();
  }

  /**
   * Frames a set of nodes (a scenario, paths, a focus): the camera fits their bounding box inside
   * the stage (which the side panels do not overlap), with a margin of 60 px, never zooming in
   * closer than ratio 0.08.
   */
  frameNodes(nodes: readonly string[], animate = true): void {
    const r = this.renderer;
    if (!r) return;
    const points = nodes.map((n) => r.getNodeDisplayData(n)).filter((d) => d !== undefined);
    if (!points.length) return;
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const { width, height } = r.getDimensions();
    const margin = 60;
    // where the nodes would be drawn at ratio 1 centred on them; the drawing scales as 1 / ratio
    const probe = { x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio: 1, angle: 0 };
    const seen = points.map((p) => r.framedGraphToViewport(p, { cameraState: probe }));
    const spanX = Math.max(...seen.map((p) => p.x)) - Math.min(...seen.map((p) => p.x));
    const spanY = Math.max(...seen.map((p) => p.y)) - Math.min(...seen.map((p) => p.y));
    const needX = spanX / Math.max(1, width - 2 * margin - LABEL_ROOM);
    const needY = spanY / Math.max(1, height - 2 * margin);
    const ratio = Math.min(1.2, Math.max(0.08, needX, needY));
    const state = { x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio, angle: 0 };
    // labels run to the right of their nodes: shift the nodes left by half a label's room
    state.x = r.viewportToFramedGraph(
      { x: width / 2 + LABEL_ROOM / 2, y: height / 2 },
      { cameraState: state },
    ).x;
    if (animate) void r.getCamera().animate(state, { duration: 450 });
    else r.getCamera().setState(state);
  }

  /** Whether every given node is drawn inside the stage, `margin` px clear of its edges (tests, bench). */
  framed(nodes: readonly string[], margin = 10): boolean {
    const r = this.renderer;
    if (!r) return false;
    const { width, height } = r.getDimensions();
    return nodes.every((n) => {
      const d = r.getNodeDisplayData(n);
      if (!d) return false;
      const p = r.framedGraphToViewport(d);
      return p.x >= margin && p.x <= width - margin && p.y >= margin && p.y <= height - margin;
    });
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

/**
 * Patterns on screen tried by one label pass, beyond the selected and focused ones: far more than
 * the labels that fit on a stage (about a hundred), so only big graphs are cut short.
 */
const MAX_TRIED = 3000;

/** Room kept right of the framed nodes for their labels, in pixels. */
const LABEL_ROOM = 120;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

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
