/**
 * The explorer's state: API data in `$state.raw` (replaced, never mutated), the shareable view
 * mirrored in the URL, and derived visibility / focus. Components read it through context.
 */
import { createContext } from 'svelte';
import { api, ApiError } from '../api/client.js';
import type { GraphData, GraphNode, PatternDetail, Scenario, Situation } from '../api/index.js';
import { buildGraph, type PsyGraph } from '../graph/build.js';
import { GraphController } from '../graph/controller.js';
import { visibleSubgraph, type FilterState } from './filters.js';
import { buildAdjacency, neighbourhood, scenarioSubgraph, type Direction } from './highlight.js';
import { LlmState } from './llm.svelte.js';
import { SamplerState } from './sampler.svelte.js';
import {
  clampSampler,
  parseView,
  serializeView,
  type SamplerSettings,
  type Tab,
  type ViewState,
} from './url.js';

export type LoadStatus = 'loading' | 'ready' | 'error';
export type PickMode = 'select' | 'include' | 'exclude';

export class AppState {
  status = $state<LoadStatus>('loading');
  error = $state<string>('');
  data = $state.raw<GraphData | null>(null);
  graph = $state.raw<PsyGraph | null>(null);
  situations = $state.raw<Situation[]>([]);
  view = $state.raw<ViewState>(parseView(location.search));
  hovered = $state<string | null>(null);
  detail = $state.raw<PatternDetail | null>(null);
  detailError = $state('');
  pickMode = $state<PickMode>('select');
  announcement = $state('');
  readonly controller = new GraphController();
  readonly sampler = new SamplerState(this);
  readonly llm = new LlmState(this);

  adjacency = $derived(this.data ? buildAdjacency(this.data) : null);
  nodeById = $derived(new Map<string, GraphNode>((this.data?.nodes ?? []).map((n) => [n.id, n])));
  visibility = $derived(this.data ? visibleSubgraph(this.data, this.view.filters) : null);

  /** What is highlighted: the hovered pattern, else the chosen scenario, else the selection. */
  focus = $derived.by(() => {
    const { data, adjacency, visibility } = this;
    if (!data || !adjacency) return null;
    const scenario = this.sampler.current;
    if (this.hovered) return neighbourhood(adjacency, this.hovered, this.view.direction, visibility?.edges);
    if (scenario) return scenarioSubgraph(data, scenario.patterns);
    if (this.view.pattern && this.nodeById.has(this.view.pattern))
      return neighbourhood(adjacency, this.view.pattern, this.view.direction, visibility?.edges);
    return null;
  });

  async load(): Promise<void> {
    this.status = 'loading';
    try {
      const [data, situations] = await Promise.all([api.graph(), api.situations()]);
      this.data = data;
      this.graph = buildGraph(data);
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
    this.setView({ ...this.view, pattern: id, scenario: id ? null : this.view.scenario, tab });
    if (id) {
      this.announce(`Selected ${this.nameOf(id)}.`);
      if (opts.camera) this.controller.focusCamera(id);
    }
  }

  clear(): void {
    this.hovered = null;
    this.pickMode = 'select';
    this.setView({ ...this.view, pattern: null, scenario: null, sampled: false });
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
    this.controller.frameNodes(scenario.patterns);
    this.announce(`Scenario with ${scenario.patterns.map((p) => this.nameOf(p)).join(', ')} highlighted.`);
  }
}

export const [getApp, setApp] = createContext<AppState>();
