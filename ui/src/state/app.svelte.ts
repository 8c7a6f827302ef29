/**
 * The explorer's state: API data in `$state.raw` (replaced, never mutated), the shareable view
 * mirrored in the URL, and derived visibility / focus. Components read it through context.
 */
import { createContext } from 'svelte';
import { api, ApiError } from '../api/client.js';
import type { GraphData, GraphNode, PathsResult, PatternDetail, Scenario, Situation } from '../api/index.js';
import { graphItems, type GraphItems } from '../graph/build.js';
import { GraphController } from '../graph/controller.js';
import { nextTask } from '../graph/tasks.js';
import { visibleSubgraph, type FilterState } from './filters.js';
import {
  buildAdjacency,
  depthNeighbourhood,
  neighbourhood,
  pathsSubgraph,
  radialLayout,
  scenarioSubgraph,
  type Direction,
} from './highlight.js';
import { LlmState } from './llm.svelte.js';
import { buildMatrix } from './matrix.js';
import { coverageOf } from './coverage.js';
import { SamplerState } from './sampler.svelte.js';
import {
  clampSampler,
  DEFAULT_PATHS,
  parseView,
  serializeView,
  type Grouping,
  type Mode,
  type PathQuery,
  type SamplerSettings,
  type Stage,
  type Tab,
  type ViewState,
} from './url.js';

/** Breadcrumbs kept in the URL: the last few patterns focused before the current one. */
const MAX_TRAIL = 6;

export type LoadStatus = 'loading' | 'ready' | 'error';
export type PickMode = 'select' | 'include' | 'exclude';

export class AppState {
  status = $state<LoadStatus>('loading');
  error = $state<string>('');
  data = $state.raw<GraphData | null>(null);
  /** What the graph view adds to sigma, in chunks. */
  graph = $state.raw<GraphItems | null>(null);
  situations = $state.raw<Situation[]>([]);
  view = $state.raw<ViewState>(parseView(location.search));
  hovered = $state<string | null>(null);
  detail = $state.raw<PatternDetail | null>(null);
  detailError = $state('');
  pickMode = $state<PickMode>('select');
  announcement = $state('');
  /** Each pattern's group in the overview layout (family, community "c0"…), set when the layout lands. */
  groups = $state.raw<Record<string, string>>({});
  paths = $state.raw<PathsResult | null>(null);
  pathsError = $state('');
  pathsLoading = $state(false);
  readonly controller = new GraphController();
  readonly sampler = new SamplerState(this);
  readonly llm = new LlmState(this);

  adjacency = $derived(this.data ? buildAdjacency(this.data) : null);
  nodeById = $derived(new Map<string, GraphNode>((this.data?.nodes ?? []).map((n) => [n.id, n])));
  visibility = $derived(this.data ? visibleSubgraph(this.data, this.view.filters) : null);
  /** Library coverage, when the view asks for it and the library has loaded. */
  coverage = $derived(
    this.view.coverage && this.data && this.sampler.libraryLoaded
      ? coverageOf(this.data, this.sampler.library)
      : null,
  );
  /** The adjacency matrix of the visible patterns, ordered by the overview's groups (else family). */
  matrix = $derived.by(() => {
    const { data, visibility, groups } = this;
    if (!data || !visibility) return null;
    return buildMatrix(
      data,
      visibility.nodes,
      visibility.edges,
      (id) => groups[id] || this.nodeById.get(id)?.family || '',
    );
  });

  /** The depth-N neighbourhood of the selected pattern, when the focus view is on (depth 1-3). */
  focusView = $derived.by(() => {
    const { pattern, depth, direction } = this.view;
    if (!pattern || depth < 1 || !this.nodeById.has(pattern)) return null;
    if (this.sampler.current || this.drawnPaths) return null;
    const { adjacency, visibility } = this;
    if (!adjacency) return null;
    return depthNeighbourhood(adjacency, pattern, depth, direction, visibility?.edges);
  });

  /** The focus view's own layout: rings around the pattern, one per step (relative coordinates). */
  localLayout = $derived.by(() => {
    const hood = this.focusView;
    if (!hood || !this.adjacency || !this.view.pattern) return null;
    return { center: this.view.pattern, positions: radialLayout(hood, this.adjacency, 1) };
  });

  /** The paths on the graph: the answer for the current from / to, once it has arrived. */
  drawnPaths = $derived.by(() => {
    const { from, to } = this.view.paths;
    const result = this.paths;
    if (!from || !to || !result || result.from !== from || result.to !== to || !result.paths.length)
      return null;
    return result;
  });

  /**
   * What is highlighted in the graph's own colours: the scenario, else the paths, else the
   * selection (and its depth). The hovered pattern's neighbourhood is drawn over it by the graph
   * view's hover layer (`hoverFocus`), so a hover never restyles the whole graph.
   */
  focus = $derived.by(() => {
    // the adjacency is read only when a pattern is selected: a graph's first frame does not wait for it
    const { data } = this;
    if (!data) return null;
    const scenario = this.sampler.current;
    if (scenario) return scenarioSubgraph(data, scenario.patterns);
    if (this.drawnPaths) return pathsSubgraph(this.drawnPaths.paths);
    if (this.focusView) return this.focusView;
    const { pattern, direction } = this.view;
    if (!pattern || !this.nodeById.has(pattern) || !this.adjacency) return null;
    return neighbourhood(this.adjacency, pattern, direction, this.visibility?.edges);
  });

  /** The hovered pattern's neighbourhood (in the legend's direction, within the filters). */
  hoverFocus(node: string): ReturnType<typeof neighbourhood> | null {
    const { adjacency, visibility } = this;
    if (!adjacency || !this.nodeById.has(node)) return null;
    return neighbourhood(adjacency, node, this.view.direction, visibility?.edges);
  }

  async load(): Promise<void> {
    this.status = 'loading';
    try {
      const [data, situations] = await Promise.all([api.graph(), api.situations()]);
      // three tasks, so that a big graph's arrival is no one long task: the parse (above), the
      // renderer's items, then the panels' first pass over the data
      await nextTask();
      const graph = graphItems(data);
      await nextTask();
      this.data = data;
      this.graph = graph;
      this.situations = situations;
      this.status = 'ready';
      this.announce(`Loaded ${data.nodes.length} patterns and ${data.edges.length} relations.`);
      await this.reconcile(null);
    } catch (e) {
      this.status = 'error';
      this.error =
        e instanceof ApiError && e.unreachable
          ? 'The psygraph API is not reachable. Is `psygraph serve` running?'
          : `Could not load the graph: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  announce(message: string): void {
    this.announcement = message;
  }

  nameOf(id: string): string {
    return this.nodeById.get(id)?.name ?? id;
  }

  /** Replace the view; `push` makes a history entry (back/forward), `replace` does not. */
  setView(next: ViewState, mode: 'push' | 'replace' = 'push'): void {
    const previous = this.view;
    this.view = next;
    const url = `${location.pathname}${serializeView(next)}${location.hash}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`)
      history[`${mode}State`](null, '', url);
    void this.reconcile(previous);
  }

  /** After back / forward: take the view from the URL again. */
  async fromLocation(): Promise<void> {
    const previous = this.view;
    this.view = parseView(location.search);
    await this.reconcile(previous);
  }

  private async reconcile(previous: ViewState | null): Promise<void> {
    const v = this.view;
    if (v.pattern !== (previous?.pattern ?? null) || (v.pattern && !this.detail))
      await this.loadDetail(v.pattern);
    if (v.scenario !== (previous?.scenario ?? null)) await this.sampler.resolve(v.scenario, v.sampled);
    if (v.coverage && !this.sampler.libraryLoaded) await this.sampler.loadLibrary();
    const p = v.paths;
    const q = previous?.paths;
    if (!q || p.from !== q.from || p.to !== q.to || p.k !== q.k || p.types.join() !== q.types.join())
      await this.loadPaths(p);
  }

  private async loadPaths(q: PathQuery): Promise<void> {
    this.pathsError = '';
    if (!q.from || !q.to) {
      this.paths = null;
      return;
    }
    this.pathsLoading = true;
    try {
      const result = await api.paths({
        from: q.from,
        to: q.to,
        k: q.k,
        ...(q.types.length ? { types: [...q.types] } : {}),
      });
      const now = this.view.paths;
      if (now.from !== q.from || now.to !== q.to) return;
      this.paths = result;
      this.announce(
        result.paths.length
          ? `${result.paths.length} path${result.paths.length > 1 ? 's' : ''} from ${this.nameOf(q.from)} to ${this.nameOf(q.to)}.`
          : (result.message ?? 'No path.'),
      );
    } catch (e) {
      this.paths = null;
      this.pathsError = e instanceof Error ? e.message : String(e);
    } finally {
      this.pathsLoading = false;
    }
  }

  private async loadDetail(id: string | null): Promise<void> {
    this.detailError = '';
    if (!id) {
      this.detail = null;
      return;
    }
    try {
      const detail = await api.pattern(id);
      if (this.view.pattern === id) this.detail = detail;
    } catch (e) {
      this.detail = null;
      this.detailError = e instanceof Error ? e.message : String(e);
    }
  }

  select(id: string | null, opts: { camera?: boolean } = {}): void {
    if (id && this.pickMode !== 'select') {
      this.sampler.toggleConstraint(id, this.pickMode);
      return;
    }
    const tab: Tab = id ? 'pattern' : this.view.tab;
    const previous = this.view.pattern;
    // breadcrumbs: in the focus view, moving on remembers where from; going back to a crumb cuts there
    let trail = this.view.trail;
    if (!id) trail = [];
    else if (trail.includes(id)) trail = trail.slice(0, trail.indexOf(id));
    else if (previous && previous !== id && this.view.depth > 0)
      trail = [...trail, previous].slice(-MAX_TRAIL);
    this.setView({ ...this.view, pattern: id, trail, scenario: id ? null : this.view.scenario, tab });
    if (id) {
      this.announce(`Selected ${this.nameOf(id)}.`);
      if (opts.camera && this.view.depth === 0) this.controller.focusCamera(id);
    }
  }

  /** The focus view's depth (0 = highlight in place). */
  setDepth(depth: number): void {
    this.setView({
      ...this.view,
      depth: Math.max(0, Math.min(3, depth)),
      ...(depth === 0 ? { trail: [] } : {}),
    });
  }

  setGroup(group: Grouping): void {
    this.setView({ ...this.view, group });
  }

  setCoverage(coverage: boolean): void {
    this.setView({ ...this.view, coverage });
    if (coverage && !this.sampler.libraryLoaded) void this.sampler.loadLibrary();
  }

  setStage(stage: Stage): void {
    this.setView({ ...this.view, stage, cell: null, mode: 'explore' });
  }

  /** The Annotate view (scoring an annotation set) or back to exploring the graph. */
  setMode(mode: Mode): void {
    this.setView({ ...this.view, mode });
  }

  /** The annotation set open in the Annotate view. */
  setAnnotationSet(id: string | null): void {
    this.setView({ ...this.view, mode: 'annotate', annotationSet: id });
  }

  /** Opens a matrix cell: the relation (or trait pair) it stands for, and its source pattern in the panel. */
  openCell(cell: string | null, pattern: string | null): void {
    this.setView({ ...this.view, cell, pattern, tab: pattern ? 'pattern' : this.view.tab, scenario: null });
  }

  setPaths(patch: Partial<PathQuery>): void {
    this.setView({ ...this.view, paths: { ...this.view.paths, ...patch }, scenario: null, sampled: false });
  }

  clear(): void {
    this.hovered = null;
    this.pickMode = 'select';
    this.setView({
      ...this.view,
      pattern: null,
      scenario: null,
      sampled: false,
      trail: [],
      paths: { ...DEFAULT_PATHS, k: this.view.paths.k, types: this.view.paths.types },
    });
    this.announce('Selection cleared.');
  }

  setTab(tab: Tab): void {
    this.setView({ ...this.view, tab }, 'replace');
  }

  setDirection(direction: Direction): void {
    this.setView({ ...this.view, direction });
  }

  updateFilters(producer: (f: FilterState) => FilterState, mode: 'push' | 'replace' = 'push'): void {
    this.setView({ ...this.view, filters: producer(this.view.filters) }, mode);
  }

  updateSampler(patch: Partial<SamplerSettings>): void {
    this.setView({ ...this.view, sampler: clampSampler({ ...this.view.sampler, ...patch }) }, 'replace');
  }

  showScenario(scenario: Scenario, sampled: boolean): void {
    this.sampler.current = scenario;
    this.setView({ ...this.view, scenario: scenario.id, sampled, pattern: null });
    this.announce(`Scenario with ${scenario.patterns.map((p) => this.nameOf(p)).join(', ')} highlighted.`);
  }
}

export const [getApp, setApp] = createContext<AppState>();
