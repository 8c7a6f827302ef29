/**
 * The hover highlight, drawn apart from sigma: a 2D canvas above the stage that fades the whole
 * graph with one translucent fill and draws the hovered pattern's neighbourhood on top (edges with
 * their colour, dashes, arrows and curves for parallels; nodes; labels that never overlap).
 *
 * Why not sigma's own hover: sigma 4 resolves the hovered node by reading its picking framebuffer
 * asynchronously (a GPU fence polled on the next frames), and highlighting through node / edge
 * states flips graph-level state, so sigma re-evaluates the style of every node and edge and
 * redraws the whole graph; under software WebGL that is hundreds of milliseconds on a big graph.
 * Here the hovered node is found on the CPU in a grid of node positions on screen (rebuilt
 * lazily after each sigma frame), and the highlight costs a canvas draw of the neighbourhood
 * only, in the same task as the pointer move. Sigma's mouse hover is switched off (its captor's
 * mousemove listener is removed); clicks still go through sigma's picking, and touch hover still
 * comes through sigma's enterNode / leaveNode.
 */
import type { MouseCoords } from 'sigma/types';
import type { EdgeAttrs, NodeAttrs } from './build.js';
import type { Theme } from './colors.js';
import { LABEL_FONT, LABEL_SIZE, type PsyRenderer } from './renderer.js';

export interface Highlight {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

export interface HoverOptions {
  /** The highlighted neighbourhood of a hovered pattern (direction and filters applied). */
  neighbourhood: (node: string) => Highlight | null;
  /** Whether a pattern is filtered out (not drawn, not hoverable). */
  isHidden: (node: string) => boolean;
  /** Told when the hovered pattern changes. */
  onHover: (node: string | null) => void;
}

/** How much the rest of the graph fades under a hover (the stage colour laid over it). */
const FADE = 0.78;
/** Grid cell for picking, in CSS pixels. */
const CELL = 32;
/** Extra pixels around a node that still count as on it. */
const PICK_PADDING = 2;

interface Point {
  node: string;
  x: number;
  y: number;
  r: number;
}

export class HoverLayer {
  hovered: string | null = null;
  /** When the highlight of `hovered` was last drawn (performance.now()), for the benchmark. */
  drawnAt = 0;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private grid = new Map<number, Point[]>();
  private gridStale = true;
  private maxRadius = 0;
  private killed = false;

  constructor(
    private readonly renderer: PsyRenderer,
    private readonly theme: Theme,
    private readonly options: HoverOptions,
  ) {
    this.canvas = renderer.createCanvas('psygraph-hover', {
      beforeLayer: 'mouse',
      style: { pointerEvents: 'none', inset: '0' },
    });
    this.ctx = this.canvas.getContext('2d')!;
    const captor = renderer.getMouseCaptor();
    // sigma's own hover (asynchronous GPU picking + a whole-graph restyle) is replaced
    captor.removeAllListeners('mousemove');
    captor.on('mousemove', this.onMove);
    captor.on('mouseleave', this.onLeave);
    renderer.on('afterRender', this.onFrame);
  }

  private readonly onMove = (e: MouseCoords): void => {
    // a pressed button pans the stage: no hover while dragging
    if ((e.original as MouseEvent).buttons) return;
    this.set(this.pick(e.x, e.y));
  };

  private readonly onLeave = (): void => this.set(null);

  /** After each sigma frame: node positions on screen may have changed. */
  private readonly onFrame = (): void => {
    this.gridStale = true;
    if (this.hovered) this.draw();
  };

  /** Hovers a pattern (or nothing): draws or clears the highlight at once. */
  set(node: string | null): void {
    if (this.killed || node === this.hovered) return;
    this.hovered = node;
    this.renderer.getMouseLayer().style.cursor = node ? 'pointer' : '';
    this.draw();
    this.options.onHover(node);
  }

  /** Draws the highlight again (the neighbourhood or the filters changed). */
  redraw(): void {
    this.draw();
  }

  /** The pattern drawn under a point of the stage (CSS pixels), or null. */
  pick(x: number, y: number): string | null {
    if (this.gridStale) this.buildGrid();
    const reach = this.maxRadius + PICK_PADDING;
    let best: Point | null = null;
    let bestDistance = Infinity;
    for (let i = Math.floor((x - reach) / CELL); i <= Math.floor((x + reach) / CELL); i++)
      for (let j = Math.floor((y - reach) / CELL); j <= Math.floor((y + reach) / CELL); j++)
        for (const p of this.grid.get(key(i, j)) ?? []) {
          const d = Math.hypot(p.x - x, p.y - y);
          // inside the node; among overlapping nodes, the one whose centre is nearest
          if (d <= p.r + PICK_PADDING && d < bestDistance) [best, bestDistance] = [p, d];
        }
    return best?.node ?? null;
  }

  private buildGrid(): void {
    const r = this.renderer;
    const { width, height } = r.getDimensions();
    this.grid.clear();
    this.maxRadius = 0;
    r.getGraph().forEachNode((node, a) => {
      if (this.options.isHidden(node)) return;
      const p = r.graphToViewport(a);
      const radius = r.scaleSize(a.size);
      if (p.x < -radius || p.y < -radius || p.x > width + radius || p.y > height + radius) return;
      const k = key(Math.floor(p.x / CELL), Math.floor(p.y / CELL));
      const point = { node, x: p.x, y: p.y, r: radius };
      const list = this.grid.get(k);
      if (list) list.push(point);
      else this.grid.set(k, [point]);
      this.maxRadius = Math.max(this.maxRadius, radius);
    });
    this.gridStale = false;
  }

  private draw(): void {
    const r = this.renderer;
    const { width, height } = r.getDimensions();
    const ratio = window.devicePixelRatio || 1;
    const [w, h] = [Math.round(width * ratio), Math.round(height * ratio)];
    if (this.canvas.width !== w || this.canvas.height !== h) [this.canvas.width, this.canvas.height] = [w, h];
    const ctx = this.ctx;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const hovered = this.hovered;
    const hood = hovered ? this.options.neighbourhood(hovered) : null;
    if (!hovered || !hood) return;
    const graph = r.getGraph();
    if (!graph.hasNode(hovered)) return;
    ctx.globalAlpha = FADE;
    ctx.fillStyle = this.theme.stage;
    ctx.fillRect(0, 0, width, height);
    ctx.globalAlpha = 1;

    const coverage = r.getGraphState().coverage;
    const at = new Map<string, { x: number; y: number; r: number; a: NodeAttrs }>();
    for (const n of hood.nodes) {
      if (!graph.hasNode(n)) continue;
      const a = graph.getNodeAttributes(n);
      at.set(n, { ...r.graphToViewport(a), r: r.scaleSize(a.size), a });
    }

    // edges, parallel ones (same pair, either direction) curved apart
    const pairs = new Map<string, string[]>();
    for (const e of hood.edges) {
      if (!graph.hasEdge(e)) continue;
      const [s, t] = [graph.source(e), graph.target(e)];
      const k = s < t ? `${s}\u0000${t}` : `${t}\u0000${s}`;
      const list = pairs.get(k);
      if (list) list.push(e);
      else pairs.set(k, [e]);
    }
    for (const edges of pairs.values())
      edges.forEach((e, i) => {
        const s = at.get(graph.source(e));
        const t = at.get(graph.target(e));
        if (s && t)
          this.drawEdge(
            graph.getEdgeAttributes(e),
            s,
            t,
            i - (edges.length - 1) / 2,
            graph.source(e) < graph.target(e),
          );
      });

    // nodes, the hovered one last and ringed
    const order = [...at.keys()].filter((n) => n !== hovered).concat(hovered);
    for (const n of order) {
      const p = at.get(n);
      if (!p) continue;
      ctx.fillStyle = (coverage && p.a.coverageColor) || p.a.color;
      ctx.beginPath();
      if (p.a.shape === 'diamond') {
        ctx.moveTo(p.x, p.y - p.r);
        ctx.lineTo(p.x + p.r, p.y);
        ctx.lineTo(p.x, p.y + p.r);
        ctx.lineTo(p.x - p.r, p.y);
        ctx.closePath();
      } else ctx.arc(p.x, p.y, p.r, 0, 2 * Math.PI);
      ctx.fill();
      if (n === hovered) {
        ctx.lineWidth = 2;
        ctx.strokeStyle = this.theme.label;
        ctx.stroke();
      }
    }

    // labels: the hovered pattern first, then by size; one is skipped rather than overlap another
    ctx.font = `${LABEL_SIZE}px ${LABEL_FONT}`;
    ctx.textBaseline = 'middle';
    const placed: { x: number; y: number; w: number; h: number }[] = [];
    const byRank = [...at.entries()].sort(
      ([m, p], [n, q]) => Number(n === hovered) - Number(m === hovered) || q.r - p.r || (m < n ? -1 : 1),
    );
    for (const [n, p] of byRank) {
      const text = p.a.label;
      const box = {
        x: p.x + p.r + 2,
        y: p.y - LABEL_SIZE / 2 - 2,
        w: ctx.measureText(text).width + 4,
        h: LABEL_SIZE + 4,
      };
      const clash = placed.some(
        (b) => box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h,
      );
      if (n !== hovered && (clash || box.x + box.w > width || box.y < 0 || box.y + box.h > height)) continue;
      placed.push(box);
      ctx.fillStyle = this.theme.dark ? '#2a2d35' : '#ffffff';
      ctx.globalAlpha = n === hovered ? 1 : 0.85;
      ctx.fillRect(box.x, box.y, box.w, box.h);
      ctx.globalAlpha = 1;
      ctx.fillStyle = this.theme.label;
      ctx.fillText(text, box.x + 2, p.y);
    }
    this.drawnAt = performance.now();
  }

  /**
   * One relation: a line, or a quadratic curve bent by `bend` (0 for a single edge between the
   * pair) to the left of the pair's canonical direction, dashed as its type says, with an arrow head
   * at the target for directed types.
   */
  private drawEdge(
    a: EdgeAttrs,
    s: { x: number; y: number; r: number },
    t: { x: number; y: number; r: number },
    bend: number,
    canonical: boolean,
  ): void {
    const ctx = this.ctx;
    const [dx, dy] = [t.x - s.x, t.y - s.y];
    const length = Math.hypot(dx, dy) || 1;
    // the normal of the pair's canonical direction, so two opposite edges bend to opposite sides
    const sign = canonical ? 1 : -1;
    const [nx, ny] = [(-dy / length) * sign, (dx / length) * sign];
    const cx = (s.x + t.x) / 2 + nx * bend * 0.3 * length;
    const cy = (s.y + t.y) / 2 + ny * bend * 0.3 * length;
    const width = Math.max(1.5, this.renderer.scaleSize(Math.max(2, a.size * 2)) / 2);
    // the arrow ends at the target's rim, along the curve's end tangent
    const [tx, ty] = bend ? [t.x - cx, t.y - cy] : [dx, dy];
    const tl = Math.hypot(tx, ty) || 1;
    const head = a.head === 'arrow' ? Math.max(7, width * 3) : 0;
    const endX = t.x - (tx / tl) * (t.r + head);
    const endY = t.y - (ty / tl) * (t.r + head);
    ctx.strokeStyle = a.color;
    ctx.lineWidth = width;
    ctx.setLineDash(a.dashSize ? [a.dashSize, 4] : []);
    ctx.beginPath();
    ctx.moveTo(s.x, s.y);
    if (bend) ctx.quadraticCurveTo(cx, cy, endX, endY);
    else ctx.lineTo(endX, endY);
    ctx.stroke();
    ctx.setLineDash([]);
    if (!head) return;
    const [ux, uy] = [tx / tl, ty / tl];
    const tipX = t.x - ux * t.r;
    const tipY = t.y - uy * t.r;
    ctx.fillStyle = a.color;
    ctx.beginPath();
    ctx.moveTo(tipX, tipY);
    ctx.lineTo(tipX - ux * head - uy * head * 0.5, tipY - uy * head + ux * head * 0.5);
    ctx.lineTo(tipX - ux * head + uy * head * 0.5, tipY - uy * head - ux * head * 0.5);
    ctx.closePath();
    ctx.fill();
  }

  kill(): void {
    this.killed = true;
    const captor = this.renderer.getMouseCaptor();
    captor.removeListener('mousemove', this.onMove);
    captor.removeListener('mouseleave', this.onLeave);
    this.renderer.removeListener('afterRender', this.onFrame);
  }
}

const key = (i: number, j: number) => i * 100_003 + j;
