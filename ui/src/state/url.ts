/**
 * The shareable part of the view, to and from a query string. Only values that differ from the
 * defaults are written, so links stay short and a link from an older version still opens.
 */
import {
  RELATION_TYPES,
  SAMPLE,
  SCOPES,
  SEED,
  STRATEGIES,
  type Pole,
  type RelationType,
  type SampleStrategy,
  type Scope,
} from '../api/index.js';
import { DEFAULT_FILTERS, type FilterState } from './filters.js';
import { DIRECTIONS, type Direction } from './highlight.js';

export const TABS = ['pattern', 'paths', 'sampler', 'prompt', 'library', 'list'] as const;
export type Tab = (typeof TABS)[number];

export interface SamplerSettings {
  strategy: SampleStrategy;
  n: number;
  seed: number;
  sizeMin: number;
  sizeMax: number;
  /** Situation id, or '' for the sampler's default (the eight DIAMONDS situations). */
  situation: string;
  include: readonly string[];
  exclude: readonly string[];
}

export const DEFAULT_SAMPLER: SamplerSettings = {
  strategy: 'walk',
  n: 8,
  seed: 1,
  sizeMin: 2,
  sizeMax: 4,
  situation: '',
  include: [],
  exclude: [],
};

/** How the overview groups patterns: by family (Big-Five dimension / category), Louvain community, or not. */
export const GROUPINGS = ['family', 'community', 'none'] as const;
export type Grouping = (typeof GROUPINGS)[number];
/** The stage: the node-link graph or the adjacency matrix. */
export const STAGES = ['graph', 'matrix', 'traits'] as const;
export type Stage = (typeof STAGES)[number];
export const MAX_DEPTH = 3;
/** The whole window: exploring the graph, or scoring an annotation set (the Annotate view). */
export const MODES = ['explore', 'annotate'] as const;
export type Mode = (typeof MODES)[number];

/** "How does A reach B": the ends, how many paths and which relation types (empty = the causal ones). */
export interface PathQuery {
  from: string | null;
  to: string | null;
  k: number;
  types: readonly RelationType[];
}
export const DEFAULT_PATHS: PathQuery = { from: null, to: null, k: 3, types: [] };

export interface ViewState {
  mode: Mode;
  /** The annotation set open in the Annotate view. */
  annotationSet: string | null;
  pattern: string | null;
  /**
   * The focus view around the selected pattern: 0 highlights its neighbours where they lie; 1-3
   * lays out its neighbourhood that many steps out on rings of its own, everything else faded.
   */
  depth: number;
  /** Patterns focused before this one (breadcrumbs), oldest first. */
  trail: readonly string[];
  group: Grouping;
  stage: Stage;
  /** The matrix cell opened: a relation id (or, in the trait view, "a|b"). */
  cell: string | null;
  /** Colour patterns and relations by how often the saved scenarios use them. */
  coverage: boolean;
  paths: PathQuery;
  scenario: string | null;
  /** True when the scenario came from a (seeded, so repeatable) sample run rather than the library. */
  sampled: boolean;
  tab: Tab;
  direction: Direction;
  filters: FilterState;
  sampler: SamplerSettings;
}

export const DEFAULT_VIEW: ViewState = {
  mode: 'explore',
  annotationSet: null,
  pattern: null,
  depth: 0,
  trail: [],
  group: 'family',
  stage: 'graph',
  cell: null,
  coverage: false,
  paths: DEFAULT_PATHS,
  scenario: null,
  sampled: false,
  tab: 'pattern',
  direction: 'both',
  filters: DEFAULT_FILTERS,
  sampler: DEFAULT_SAMPLER,
};

const list = (v: string | null): string[] => (v ? v.split(',').filter(Boolean) : []);
const oneOf = <T extends string>(options: readonly T[], v: string | null, fallback: T): T =>
  options.includes(v as T) ? (v as T) : fallback;
function int(v: string | null, fallback: number, min: number, max: number): number {
  const n = v === null ? NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

/**
 * Sampler settings within the API's limits (the same numbers the server validates with): a value
 * out of range is brought to the nearest allowed one, so the form never sends a request the
 * server must reject.
 */
export function clampSampler(s: SamplerSettings): SamplerSettings {
  const clamp = (v: number, { min, max }: { min: number; max: number }) =>
    Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : min;
  const sizeMin = clamp(s.sizeMin, SAMPLE.size);
  return {
    ...s,
    n: clamp(s.n, SAMPLE.n),
    seed: clamp(s.seed, SEED),
    sizeMin,
    sizeMax: clamp(s.sizeMax, { min: sizeMin, max: SAMPLE.size.max }),
  };
}

export function parseView(search: string): ViewState {
  const p = new URLSearchParams(search);
  const d = DEFAULT_SAMPLER;
  const strength = Number(p.get('min') ?? '0');
  const sizeMin = int(p.get('smin'), d.sizeMin, SAMPLE.size.min, SAMPLE.size.max);
  return {
    mode: oneOf(MODES, p.get('mode'), DEFAULT_VIEW.mode),
    annotationSet: p.get('aset') || null,
    pattern: p.get('pattern') || null,
    depth: int(p.get('depth'), 0, 0, MAX_DEPTH),
    trail: list(p.get('trail')),
    group: oneOf(GROUPINGS, p.get('group'), DEFAULT_VIEW.group),
    stage: oneOf(STAGES, p.get('stage'), DEFAULT_VIEW.stage),
    cell: p.get('cell') || null,
    coverage: p.get('cov') === '1',
    paths: {
      from: p.get('from') || null,
      to: p.get('to') || null,
      k: int(p.get('k'), DEFAULT_PATHS.k, 1, 20),
      types: list(p.get('ptypes')).filter((t): t is RelationType =>
        (RELATION_TYPES as readonly string[]).includes(t),
      ),
    },
    scenario: p.get('scenario') || null,
    sampled: p.get('sampled') === '1',
    tab: oneOf(TABS, p.get('tab'), p.get('pattern') ? 'pattern' : DEFAULT_VIEW.tab),
    direction: oneOf(DIRECTIONS, p.get('dir'), 'both'),
    filters: {
      hiddenTypes: list(p.get('hide')).filter((t): t is RelationType =>
        (RELATION_TYPES as readonly string[]).includes(t),
      ),
      hiddenFamilies: list(p.get('hideFam')),
      hiddenPoles: list(p.get('hidePole')).filter((x): x is Pole => x === '+' || x === '-'),
      hiddenScopes: list(p.get('hideScope')).filter((x): x is Scope =>
        (SCOPES as readonly string[]).includes(x),
      ),
      minStrength: Number.isFinite(strength) ? Math.min(1, Math.max(0, strength)) : 0,
    },
    sampler: {
      strategy: oneOf(STRATEGIES, p.get('strategy'), d.strategy),
      n: int(p.get('n'), d.n, SAMPLE.n.min, SAMPLE.n.max),
      seed: int(p.get('seed'), d.seed, SEED.min, SEED.max),
      sizeMin,
      sizeMax: int(p.get('smax'), Math.max(sizeMin, d.sizeMax), sizeMin, SAMPLE.size.max),
      situation: p.get('situation') ?? '',
      include: list(p.get('include')),
      exclude: list(p.get('exclude')),
    },
  };
}

export function serializeView(v: ViewState): string {
  const p = new URLSearchParams();
  const d = DEFAULT_SAMPLER;
  const set = (key: string, value: string | number, fallback: string | number) => {
    if (value !== fallback && value !== '') p.set(key, String(value));
  };
  set('mode', v.mode, DEFAULT_VIEW.mode);
  set('aset', v.annotationSet ?? '', '');
  set('pattern', v.pattern ?? '', '');
  set('depth', v.depth, 0);
  set('trail', v.trail.join(','), '');
  set('group', v.group, DEFAULT_VIEW.group);
  set('stage', v.stage, DEFAULT_VIEW.stage);
  set('cell', v.cell ?? '', '');
  if (v.coverage) p.set('cov', '1');
  set('from', v.paths.from ?? '', '');
  set('to', v.paths.to ?? '', '');
  set('k', v.paths.k, DEFAULT_PATHS.k);
  set('ptypes', v.paths.types.join(','), '');
  set('scenario', v.scenario ?? '', '');
  if (v.scenario && v.sampled) p.set('sampled', '1');
  set('tab', v.tab, v.pattern ? 'pattern' : DEFAULT_VIEW.tab);
  set('dir', v.direction, 'both');
  set('hide', v.filters.hiddenTypes.join(','), '');
  set('hideFam', v.filters.hiddenFamilies.join(','), '');
  set('hidePole', v.filters.hiddenPoles.join(','), '');
  set('hideScope', v.filters.hiddenScopes.join(','), '');
  set('min', v.filters.minStrength, 0);
  set('strategy', v.sampler.strategy, d.strategy);
  set('n', v.sampler.n, d.n);
  set('seed', v.sampler.seed, d.seed);
  set('smin', v.sampler.sizeMin, d.sizeMin);
  set('smax', v.sampler.sizeMax, d.sizeMax);
  set('situation', v.sampler.situation, '');
  set('include', v.sampler.include.join(','), '');
  set('exclude', v.sampler.exclude.join(','), '');
  const s = p.toString();
  return s ? `?${s}` : '';
}
