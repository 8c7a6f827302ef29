/**
 * The sigma v4 renderer for psygraph: primitives (curved parallel edges, arrows, dashes,
 * diamonds for social-cognitive patterns) and state-driven styles. Styles are constructor-only in
 * sigma 4.0.4, so focus and filters reach the renderer as node / edge / graph state flags.
 */
import type { Attributes } from 'graphology-types';
import Sigma, { DEFAULT_STYLES } from 'sigma';
import {
  extremityArrow,
  layerDashed,
  layerPlain,
  pathCurved,
  pathLine,
  sdfCircle,
  sdfDiamond,
} from 'sigma/rendering';
import type { EdgeAttrs, NodeAttrs, PsyGraph } from './build.js';
import type { Theme } from './colors.js';
import { AGAIN } from './tasks.js';

export interface NodeFlags {
  isActive: boolean;
  isSelected: boolean;
  /** Chosen by the label pass (GraphController.layoutLabels): its label fits without overlapping. */
  labelShown: boolean;
}
export interface EdgeFlags {
  isActive: boolean;
}
export interface GraphFlags {
  hasFocus: boolean;
  /** The camera shows most of the graph: weak edges recede (opacity by strength). */
  zoomedOut: boolean;
  /** Colour by library coverage (the `coverageColor` attributes). */
  coverage: boolean;
}

/** The node label font and size, shared with the label pass that measures them. */
export const LABEL_SIZE = 12;
export const LABEL_FONT = 'Arial, Helvetica, sans-serif';
/** Camera ratio above which the view counts as the overview. */
export const OVERVIEW_RATIO = 0.5;

export type PsyRenderer = PsySigma;

type LayerOptions = Parameters<Sigma['createLayer']>[2];

/** The context attributes sigma asks for on its stage canvas (sigma 4.0.4, createWebGLContext). */
const STAGE_CONTEXT: WebGLContextAttributes = { preserveDrawingBuffer: false, antialias: false, depth: true };
let preparedStage: HTMLCanvasElement | null = null;

/**
 * Opens the stage's WebGL2 context ahead of the renderer, in a task of its own: under software
 * GL, creating a context takes 40–180 ms, and sigma's constructor would otherwise add that to
 * its own long task.
 */
export function prepareStage(): void {
  const canvas = document.createElement('canvas');
  if (canvas.getContext('webgl2', STAGE_CONTEXT)) preparedStage = canvas;
}

/**
 * The members of sigma 4.0.4 that its edge pass (`processEdges`) uses: private in its typings, so
 * named here. sigma is pinned to that exact version in package.json; the browser test
 * e2e/big-graph compares the program these write with sigma's own pass, word for word, and fails
 * if they change.
 */
interface SigmaEdgePass {
  pendingProcess: 'none' | 'nodes' | 'full';
  depthLayers: string[];
  itemBuckets: { edges: { getSorted(depth: string, zIndexOf: (edge: string) => number): string[] } };
  depthRanges: { edges: Record<string, { offset: number; count: number }[]> };
  edgeBaseDepth: Record<string, string>;
  edgeProgram: { reallocate(capacity: number): void; invalidateBuffers(): void };
  pickingState: {
    idsByKind: Record<'node' | 'edge' | 'edgeLabel', Map<string, number>>;
    lookup: ({ kind: string; key: string } | null)[];
    nextId: number;
  };
  internals: { edgeDataCache: Record<string, { zIndex: number }> };
  addEdgeToProgram(edge: string, position: number): void;
}

/**
 * Sigma, with three additions: its stage canvas is taken from prepareStage (sigma creates the
 * stage in createLayer, public, through document.createElement; for that one call the prepared
 * canvas is handed out, and sigma's getContext on it returns the context already open); its
 * frames can be held while a graph is added in chunks (`holdFrames`); and its edge pass can run
 * in slices (`edgePassInSlices`).
 */
class PsySigma extends Sigma<NodeAttrs, EdgeAttrs, Attributes, NodeFlags, EdgeFlags, GraphFlags> {
  private held = false;
  private renderWanted = false;
  /** Edges that went through sigma's own one-pass edge pass so far (the tests read it). */
  edgesInOnePass = 0;

  constructor(
    ...args: ConstructorParameters<
      typeof Sigma<NodeAttrs, EdgeAttrs, Attributes, NodeFlags, EdgeFlags, GraphFlags>
    >
  ) {
    super(...args);
    const self = this as unknown as { processEdges(): void };
    const onePass = self.processEdges;
    self.processEdges = () => {
      this.edgesInOnePass += this.getGraph().size;
      onePass.call(this);
    };
  }

  /**
   * Sigma's edge pass, cut into slices of `size` edges. Sigma turns every edge into its edge
   * program in one pass in the frame after edges were added: for 40,000 edges one task of
   * 170–240 ms here. The returned step does the same work as that pass (in the same order, with
   * the same picking ids) a slice per call, answering AGAIN until done; run it while frames are
   * held, one call per task, and the next frame only processes the nodes. If the graph's edges
   * change meanwhile, sigma marks its full pass as due again and does it itself.
   */
  edgePassInSlices(size: number): () => typeof AGAIN | undefined {
    const self = this as unknown as SigmaEdgePass;
    let order: { edge: string; depth: string }[] | null = null;
    let done = 0;
    return () => {
      if (!order) {
        // the pass's set-up: the edges by depth layer and z-index, the picking ids for edges reset
        const cache = self.internals.edgeDataCache;
        order = [];
        self.depthRanges.edges = {};
        self.edgeBaseDepth = {};
        for (const depth of self.depthLayers) {
          const items = self.itemBuckets.edges.getSorted(depth, (k) => cache[k]!.zIndex);
          if (!items.length) continue;
          self.depthRanges.edges[depth] = [{ offset: order.length, count: items.length }];
          for (const edge of items) order.push({ edge, depth });
        }
        self.edgeProgram.reallocate(order.length);
        const picking = self.pickingState;
        for (const kind of ['edge', 'edgeLabel'] as const) {
          for (const id of picking.idsByKind[kind].values()) picking.lookup[id] = null;
          picking.idsByKind[kind] = new Map();
        }
        picking.nextId = 1 + picking.idsByKind.node.size;
        // from here sigma owes only a node pass, unless an edge is added or dropped meanwhile
        self.pendingProcess = 'nodes';
        return order.length ? AGAIN : undefined;
      }
      const picking = self.pickingState;
      const end = Math.min(order.length, done + size);
      for (; done < end; done++) {
        const { edge, depth } = order[done]!;
        self.edgeBaseDepth[edge] = depth;
        const id = picking.nextId++;
        picking.idsByKind.edge.set(edge, id);
        picking.lookup[id] = { kind: 'edge', key: edge };
        self.addEdgeToProgram(edge, done);
      }
      if (done < order.length) return AGAIN;
      self.edgeProgram.invalidateBuffers();
      return undefined;
    };
  }

  /**
   * Holds sigma's frames back (`true`) while a graph is added to it in chunks: sigma indexes each
   * added item in the chunk's task, but would otherwise also reprocess and redraw everything added
   * so far at every frame between chunks. Releasing (`false`) asks for the frame that was held.
   */
  holdFrames(hold: boolean): void {
    this.held = hold;
    if (!hold && this.renderWanted) {
      this.renderWanted = false;
      super.scheduleRender();
    }
  }

  override scheduleRender(): this {
    if (!this.held) return super.scheduleRender();
    this.renderWanted = true;
    return this;
  }

  override createLayer<T extends HTMLElement>(id: string, tag: string, options?: LayerOptions): T {
    const canvas = preparedStage;
    if (id !== 'stage' || tag !== 'canvas' || !canvas) return super.createLayer<T>(id, tag, options);
    preparedStage = null;
    const create = document.createElement;
    document.createElement = (() => canvas) as typeof document.createElement;
    try {
      return super.createLayer<T>(id, tag, options);
    } finally {
      document.createElement = create;
    }
  }
}

/**
 * The renderer. `big` (a graph of thousands of patterns) draws every relation as a straight line
 * with its arrow, in its type's colour, without the dashes and the curves that set parallel
 * relations apart: sigma's edge program is built for the most complex edge it may draw, and under
 * software GL those made a frame of the 10,000-pattern graph about three times slower.
 */
export function createRenderer(
  graph: PsyGraph,
  container: HTMLElement,
  theme: Theme,
  { big = false }: { big?: boolean } = {},
): PsyRenderer {
  return new PsySigma(graph, container, {
    customNodeState: { isActive: false, isSelected: false, labelShown: false },
    customEdgeState: { isActive: false },
    customGraphState: { hasFocus: false, zoomedOut: true, coverage: false },
    primitives: {
      nodes: { shapes: [sdfCircle(), sdfDiamond()] },
      edges: {
        paths: big ? [pathLine()] : [pathLine(), pathCurved()],
        extremities: [extremityArrow()],
        layers: big
          ? [layerPlain()]
          : [
              layerPlain(),
              // Transparent where dashSize is 0, so only MODULATES / EXCLUDES edges show gaps.
              layerDashed({
                dashSize: { attribute: 'dashSize', default: 0, mode: 'pixels' },
                gapSize: { value: 4, mode: 'pixels' },
                gapColor: theme.stage,
              }),
            ],
      },
    },
    styles: {
      stage: { background: theme.stage },
      nodes: [
        DEFAULT_STYLES.nodes,
        {
          shape: { attribute: 'shape', defaultValue: 'circle' },
          labelColor: theme.label,
          labelSize: LABEL_SIZE,
          labelFont: LABEL_FONT,
          backdropColor: theme.dark ? '#2a2d35' : '#ffffff',
          // labels are placed by the label pass, which never lets two overlap
          labelVisibility: 'hidden',
        },
        { whenState: 'labelShown', then: { labelVisibility: 'visible' } },
        {
          when: (_a, _s, gs) => gs.coverage,
          then: { color: (a) => (a as NodeAttrs & { coverageColor?: string }).coverageColor ?? a.color },
        },
        {
          when: (_a, s, gs) => gs.hasFocus && !s.isActive,
          then: { color: theme.faded, labelVisibility: 'hidden' },
        },
        {
          when: (_a, s, gs) => gs.hasFocus && s.isActive,
          then: { depth: 'topNodes' },
        },
        {
          whenState: 'isSelected',
          then: { backdropVisibility: 'visible', labelVisibility: 'visible', depth: 'topNodes' },
        },
        { whenState: 'isHovered', then: { labelVisibility: 'visible', backdropVisibility: 'visible' } },
      ],
      edges: [
        DEFAULT_STYLES.edges,
        {
          path: 'straight',
          parallelPath: big ? 'straight' : 'curved',
          head: { attribute: 'head', defaultValue: 'none' },
          opacity: 0.55,
        },
        {
          // at the overview zoom, weak edges recede and strong ones read
          when: (_a, _s, gs) => gs.zoomedOut && !gs.hasFocus,
          then: { opacity: (a) => 0.05 + 0.75 * a.strength * a.strength },
        },
        {
          when: (_a, _s, gs) => gs.coverage && !gs.hasFocus,
          then: {
            color: (a) => (a as EdgeAttrs & { coverageColor?: string }).coverageColor ?? a.color,
            opacity: (a) => ((a as EdgeAttrs & { covered?: boolean }).covered ? 0.85 : 0.06),
          },
        },
        { when: (_a, s, gs) => gs.hasFocus && !s.isActive, then: { color: theme.fadedEdge } },
        {
          when: (_a, s, gs) => gs.hasFocus && s.isActive,
          then: { depth: 'topEdges', size: (a) => Math.max(2, a.size * 2), opacity: 1 },
        },
      ],
    },
    settings: {
      itemSizesReference: 'screen',
      renderEdgeLabels: false,
      stagePadding: 40,
      labelRenderedSizeThreshold: 7,
    },
  });
}
