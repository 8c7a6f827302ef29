/**
 * The explorer's pure state functions (ui/src/state): legend filters, the shareable URL, the
 * neighbourhood highlight, the search box and the conversation splitter. No browser and no
 * server: each suite builds a small graph inline.
 *
 * Not covered here: `sampleRequest` in sampler.svelte.ts is pure, but its module imports the
 * app state (DOM globals such as `location` and `history`), which the root TypeScript project
 * cannot type-check; app.svelte.ts exports no pure helper.
 */
import { describe, expect, it } from 'vitest';
import {
  RELATION_TYPES,
  SAMPLE,
  SEED,
  STRATEGIES,
  type GraphData,
  type GraphEdge,
  type GraphNode,
} from '../ui/src/api/index.js';
import { splitTurn } from '../ui/src/state/conversation.js';
import {
  DEFAULT_FILTERS,
  isFiltering,
  legendCounts,
  resetFilters,
  setMinStrength,
  toggleFamily,
  togglePole,
  toggleType,
  visibleSubgraph,
  type FilterState,
} from '../ui/src/state/filters.js';
import {
  DIRECTIONS,
  depthNeighbourhood,
  pathsSubgraph,
  radialLayout,
  buildAdjacency,
  isDirected,
  neighbourhood,
  scenarioSubgraph,
} from '../ui/src/state/highlight.js';
import { suggest } from '../ui/src/state/search.js';
import { buildMatrix, matrixCell } from '../ui/src/state/matrix.js';
import { GAP_COLOR, coverageColor, coverageOf } from '../ui/src/state/coverage.js';
import {
  DEFAULT_SAMPLER,
  DEFAULT_VIEW,
  TABS,
  parseView,
  serializeView,
  type ViewState,
} from '../ui/src/state/url.js';

// --- fixtures ----------------------------------------------------------------------------------

function node(id: string, name: string, family: string, extra: Partial<GraphNode> = {}): GraphNode {
  return {
    id,
    name,
    kind: extra.pole ? 'trait' : 'social-cognitive',
    family,
    aliases: [],
    degree: 0,
    ...extra,
  };
}

function edge(
  id: string,
  type: GraphEdge['type'],
  source: string,
  target: string,
  strength: number,
): GraphEdge {
  return { id, type, source, target, strength };
}

/**
 * Five patterns, five relations:
 *   e1 anxiety ─REINFORCES→ confirmation-bias (0.8)
 *   e2 anxiety ─CONFLICTS─ calm                (0.9, symmetric)
 *   e3 conformity ─MODULATES→ anxiety          (0.3)
 *   e4 calm ─EXCLUDES─ confirmation-bias       (0.5, symmetric)
 *   e5 sociability ─REINFORCES→ conformity     (0.6)
 * plus `loner`, a pattern with no relations.
 */
const GRAPH: GraphData = {
  graphHash: 'test-hash',
  nodes: [
    node('anxiety', 'Anxiety', 'emotional-stability', { pole: '-' }),
    node('calm', 'Calmness', 'emotional-stability', { pole: '+' }),
    node('confirmation-bias', 'Confirmation Bias', 'cognitive-bias'),
    node('conformity', 'Conformity', 'social-influence'),
    node('sociability', 'Sociability', 'extraversion', { pole: '+' }),
    node('loner', 'Solitude', 'extraversion', { pole: '-' }),
  ],
  edges: [
    edge('e1', 'REINFORCES', 'anxiety', 'confirmation-bias', 0.8),
    edge('e2', 'CONFLICTS', 'anxiety', 'calm', 0.9),
    edge('e3', 'MODULATES', 'conformity', 'anxiety', 0.3),
    edge('e4', 'EXCLUDES', 'calm', 'confirmation-bias', 0.5),
    edge('e5', 'REINFORCES', 'sociability', 'conformity', 0.6),
  ],
};

const ALL_NODES = GRAPH.nodes.map((n) => n.id);
const ALL_EDGES = GRAPH.edges.map((e) => e.id);
const sorted = (s: ReadonlySet<string>) => [...s].sort();

// --- filters -----------------------------------------------------------------------------------

describe('legend filters', () => {
  it('show the whole graph when nothing is hidden', () => {
    const v = visibleSubgraph(GRAPH, DEFAULT_FILTERS);
    expect(sorted(v.nodes)).toEqual([...ALL_NODES].sort());
    expect(sorted(v.edges)).toEqual(ALL_EDGES);
    expect(isFiltering(DEFAULT_FILTERS)).toBe(false);
  });

  it('restore a relation type when it is toggled twice', () => {
    const once = toggleType('CONFLICTS')(DEFAULT_FILTERS);
    expect(once.hiddenTypes).toEqual(['CONFLICTS']);
    expect(toggleType('CONFLICTS')(once)).toEqual(DEFAULT_FILTERS);
  });

  it('restore only the toggled type when several are hidden', () => {
    const f = toggleType('MODULATES')(toggleType('CONFLICTS')(DEFAULT_FILTERS));
    expect(toggleType('CONFLICTS')(f).hiddenTypes).toEqual(['MODULATES']);
  });

  it('restore a family and a pole when they are toggled twice', () => {
    expect(toggleFamily('openness')(toggleFamily('openness')(DEFAULT_FILTERS))).toEqual(DEFAULT_FILTERS);
    expect(togglePole('+')(togglePole('+')(DEFAULT_FILTERS))).toEqual(DEFAULT_FILTERS);
  });

  it('leave the previous state untouched, so history entries keep their filters', () => {
    const before: FilterState = { ...DEFAULT_FILTERS, hiddenTypes: ['REINFORCES'] };
    const after = toggleType('EXCLUDES')(toggleFamily('openness')(before));
    expect(before).toEqual({ ...DEFAULT_FILTERS, hiddenTypes: ['REINFORCES'] });
    expect(after.hiddenTypes).toEqual(['REINFORCES', 'EXCLUDES']);
    expect(DEFAULT_FILTERS).toEqual({
      hiddenTypes: [],
      hiddenFamilies: [],
      hiddenPoles: [],
      hiddenScopes: [],
      minStrength: 0,
    });
  });

  it('hide the edges of a hidden relation type but keep every pattern', () => {
    const v = visibleSubgraph(GRAPH, toggleType('REINFORCES')(DEFAULT_FILTERS));
    expect(sorted(v.nodes)).toEqual([...ALL_NODES].sort());
    expect(sorted(v.edges)).toEqual(['e2', 'e3', 'e4']);
  });

  it('hide the patterns of a hidden family and every edge touching them', () => {
    const v = visibleSubgraph(GRAPH, toggleFamily('emotional-stability')(DEFAULT_FILTERS));
    expect(sorted(v.nodes)).toEqual(['confirmation-bias', 'conformity', 'loner', 'sociability']);
    // e1 to e4 all touch anxiety or calm; only sociability → conformity is left.
    expect(sorted(v.edges)).toEqual(['e5']);
  });

  it('hide the patterns of a hidden pole and their edges, but never patterns without a pole', () => {
    const v = visibleSubgraph(GRAPH, togglePole('-')(DEFAULT_FILTERS));
    expect(sorted(v.nodes)).toEqual(['calm', 'confirmation-bias', 'conformity', 'sociability']);
    expect(sorted(v.edges)).toEqual(['e4', 'e5']);
  });

  it('hide edges weaker than the minimum strength, keeping those exactly at it', () => {
    const v = visibleSubgraph(GRAPH, setMinStrength(0.5)(DEFAULT_FILTERS));
    expect(sorted(v.edges)).toEqual(['e1', 'e2', 'e4', 'e5']);
    expect(v.nodes.size).toBe(GRAPH.nodes.length);
  });

  it('clamp the minimum strength to between 0 and 1', () => {
    expect(setMinStrength(-0.4)(DEFAULT_FILTERS).minStrength).toBe(0);
    expect(setMinStrength(1.7)(DEFAULT_FILTERS).minStrength).toBe(1);
    expect(setMinStrength(0.25)(DEFAULT_FILTERS).minStrength).toBe(0.25);
    // At the top of the slider only full-strength edges would remain; this graph has none.
    expect(visibleSubgraph(GRAPH, setMinStrength(3)(DEFAULT_FILTERS)).edges.size).toBe(0);
  });

  it('combine: a hidden type, a hidden family and a minimum strength all apply at once', () => {
    const f = setMinStrength(0.55)(toggleFamily('cognitive-bias')(toggleType('CONFLICTS')(DEFAULT_FILTERS)));
    const v = visibleSubgraph(GRAPH, f);
    expect(v.nodes.has('confirmation-bias')).toBe(false);
    // e1 and e4 lose their bias end, e2 is a hidden type, e3 is too weak.
    expect(sorted(v.edges)).toEqual(['e5']);
  });

  it('report filtering when anything is hidden or a minimum strength is set', () => {
    expect(isFiltering(toggleType('EXCLUDES')(DEFAULT_FILTERS))).toBe(true);
    expect(isFiltering(toggleFamily('openness')(DEFAULT_FILTERS))).toBe(true);
    expect(isFiltering(togglePole('+')(DEFAULT_FILTERS))).toBe(true);
    expect(isFiltering(setMinStrength(0.05)(DEFAULT_FILTERS))).toBe(true);
    expect(isFiltering(setMinStrength(-1)(DEFAULT_FILTERS))).toBe(false);
  });

  it('reset to the defaults, which is no longer filtering', () => {
    const busy = setMinStrength(0.8)(togglePole('-')(toggleType('MODULATES')(DEFAULT_FILTERS)));
    const reset = resetFilters()();
    expect(reset).toEqual(DEFAULT_FILTERS);
    expect(isFiltering(busy)).toBe(true);
    expect(isFiltering(reset)).toBe(false);
  });

  it('count legend items over the whole graph, poles only for patterns that have one', () => {
    expect(legendCounts(GRAPH)).toEqual({
      types: { REINFORCES: 2, CONFLICTS: 1, MODULATES: 1, EXCLUDES: 1 },
      families: { 'emotional-stability': 2, 'cognitive-bias': 1, 'social-influence': 1, extraversion: 2 },
      poles: { '-': 2, '+': 2 },
      scopes: {},
    });
  });

  it('count nothing for an empty graph', () => {
    expect(legendCounts({ graphHash: '', nodes: [], edges: [] })).toEqual({
      types: {},
      families: {},
      poles: {},
      scopes: {},
    });
    const v = visibleSubgraph({ graphHash: '', nodes: [], edges: [] }, DEFAULT_FILTERS);
    expect(v.nodes.size + v.edges.size).toBe(0);
  });
});

// --- url ---------------------------------------------------------------------------------------

/** A view where every shareable field differs from its default. */
const FULL_VIEW: ViewState = {
  mode: 'annotate',
  annotationSet: 'calib',
  pattern: 'anxiety',
  depth: 2,
  trail: ['calm', 'conformity'],
  group: 'community',
  stage: 'matrix',
  cell: 'anxiety--REINFORCES--calm',
  coverage: true,
  paths: { from: 'loss-aversion', to: 'conformity', k: 5, types: ['REINFORCES', 'CONFLICTS'] },
  scenario: 'scn-1234abcd',
  sampled: true,
  tab: 'sampler',
  direction: 'in',
  filters: {
    hiddenTypes: ['CONFLICTS', 'EXCLUDES'],
    hiddenFamilies: ['cognitive-bias', 'openness'],
    hiddenPoles: ['+', '-'],
    hiddenScopes: ['between'],
    minStrength: 0.35,
  },
  sampler: {
    strategy: 'coverage',
    n: 20,
    seed: 42,
    sizeMin: 3,
    sizeMax: 5,
    situation: 'work-deadline',
    include: ['anxiety', 'calm'],
    exclude: ['conformity'],
  },
};

const roundTrip = (v: ViewState) => parseView(serializeView(v));
const keysOf = (search: string) => [...new URLSearchParams(search).keys()];

describe('the shareable URL', () => {
  it('is empty for the default view, and an empty query string opens the default view', () => {
    expect(serializeView(DEFAULT_VIEW)).toBe('');
    expect(parseView('')).toEqual(DEFAULT_VIEW);
    expect(parseView('?')).toEqual(DEFAULT_VIEW);
  });

  it('carries every shareable field through writing and reading', () => {
    expect(roundTrip(FULL_VIEW)).toEqual(FULL_VIEW);
  });

  it('reads a query string with or without its leading question mark', () => {
    const s = serializeView(FULL_VIEW);
    expect(s.startsWith('?')).toBe(true);
    expect(parseView(s.slice(1))).toEqual(FULL_VIEW);
  });

  // Each change from the default view, alone: it survives the trip and adds only its own keys.
  const singleChanges: [string, Partial<ViewState>, string[]][] = [
    ['a selected pattern', { pattern: 'calm' }, ['pattern']],
    ['the focus depth', { pattern: 'calm', depth: 3 }, ['pattern', 'depth']],
    ['breadcrumbs', { pattern: 'calm', trail: ['anxiety'] }, ['pattern', 'trail']],
    ['the grouping', { group: 'none' }, ['group']],
    ['the Annotate view on a set', { mode: 'annotate', annotationSet: 'calib' }, ['mode', 'aset']],
    ['coverage colouring', { coverage: true }, ['cov']],
    ['the matrix', { stage: 'matrix' }, ['stage']],
    ['an opened cell', { stage: 'traits', cell: 'calm|anxious' }, ['stage', 'cell']],
    ['paths', { paths: { from: 'a', to: 'b', k: 3, types: [] } }, ['from', 'to']],
    [
      'path options',
      { paths: { from: 'a', to: 'b', k: 7, types: ['MODULATES'] } },
      ['from', 'to', 'k', 'ptypes'],
    ],
    ['a library scenario', { scenario: 'scn-1' }, ['scenario']],
    ['a sampled scenario', { scenario: 'scn-1', sampled: true }, ['scenario', 'sampled']],
    ['the tab', { tab: 'library' }, ['tab']],
    ['the direction', { direction: 'out' }, ['dir']],
    ['hidden types', { filters: { ...DEFAULT_FILTERS, hiddenTypes: ['MODULATES'] } }, ['hide']],
    ['hidden families', { filters: { ...DEFAULT_FILTERS, hiddenFamilies: ['openness'] } }, ['hideFam']],
    ['hidden poles', { filters: { ...DEFAULT_FILTERS, hiddenPoles: ['-'] } }, ['hidePole']],
    ['the minimum strength', { filters: { ...DEFAULT_FILTERS, minStrength: 0.6 } }, ['min']],
    ['the strategy', { sampler: { ...DEFAULT_SAMPLER, strategy: 'motif' } }, ['strategy']],
    ['the sample count', { sampler: { ...DEFAULT_SAMPLER, n: 50 } }, ['n']],
    ['the seed', { sampler: { ...DEFAULT_SAMPLER, seed: 0 } }, ['seed']],
    ['the minimum size', { sampler: { ...DEFAULT_SAMPLER, sizeMin: 3 } }, ['smin']],
    ['the maximum size', { sampler: { ...DEFAULT_SAMPLER, sizeMax: 5 } }, ['smax']],
    ['the situation', { sampler: { ...DEFAULT_SAMPLER, situation: 'family-dinner' } }, ['situation']],
    ['included patterns', { sampler: { ...DEFAULT_SAMPLER, include: ['anxiety'] } }, ['include']],
    ['excluded patterns', { sampler: { ...DEFAULT_SAMPLER, exclude: ['calm', 'loner'] } }, ['exclude']],
  ];
  it.each(singleChanges)('writes only %s and reads it back', (_label, change, keys) => {
    const view: ViewState = { ...DEFAULT_VIEW, ...change };
    const s = serializeView(view);
    expect(keysOf(s).sort()).toEqual([...keys].sort());
    expect(parseView(s)).toEqual(view);
  });

  it('round-trips every tab, with and without a selected pattern', () => {
    for (const tab of TABS) {
      for (const pattern of [null, 'anxiety']) {
        const view: ViewState = { ...DEFAULT_VIEW, tab, pattern };
        expect(roundTrip(view), `${tab} / ${pattern}`).toEqual(view);
      }
    }
    // The pattern tab is the default, so it is left out of the link.
    expect(serializeView({ ...DEFAULT_VIEW, pattern: 'anxiety', tab: 'pattern' })).toBe('?pattern=anxiety');
  });

  it('round-trips every direction, strategy and relation type', () => {
    for (const direction of DIRECTIONS) {
      expect(roundTrip({ ...DEFAULT_VIEW, direction }).direction).toBe(direction);
    }
    for (const strategy of STRATEGIES) {
      expect(roundTrip({ ...DEFAULT_VIEW, sampler: { ...DEFAULT_SAMPLER, strategy } }).sampler.strategy).toBe(
        strategy,
      );
    }
    const hiddenTypes = [...RELATION_TYPES];
    expect(
      roundTrip({ ...DEFAULT_VIEW, filters: { ...DEFAULT_FILTERS, hiddenTypes } }).filters.hiddenTypes,
    ).toEqual(hiddenTypes);
  });

  it('keeps the "+" pole intact although a bare "+" in a query string means a space', () => {
    const view: ViewState = { ...DEFAULT_VIEW, filters: { ...DEFAULT_FILTERS, hiddenPoles: ['+'] } };
    const s = serializeView(view);
    expect(s).toBe('?hidePole=%2B');
    expect(parseView(s).filters.hiddenPoles).toEqual(['+']);
  });

  it('escapes ids and situations with characters that mean something in a query string', () => {
    const view: ViewState = {
      ...DEFAULT_VIEW,
      pattern: 'a&b=c?d',
      sampler: { ...DEFAULT_SAMPLER, situation: 'café #1 + more' },
    };
    expect(roundTrip(view)).toEqual(view);
  });

  it('does not write the sampled flag without a scenario', () => {
    expect(serializeView({ ...DEFAULT_VIEW, sampled: true })).toBe('');
  });

  it('opens a link from an older version, with parameters it no longer knows, on the defaults', () => {
    expect(parseView('?layout=circle&zoom=3&theme=dark')).toEqual(DEFAULT_VIEW);
  });

  it('falls back to the default for an unknown tab, direction or strategy', () => {
    const v = parseView('?tab=settings&dir=sideways&strategy=random');
    expect(v.tab).toBe('pattern');
    expect(v.direction).toBe('both');
    expect(v.sampler.strategy).toBe('walk');
  });

  it('drops unknown relation types and poles from the hidden lists, keeping the valid ones', () => {
    const v = parseView('?hide=CONFLICTS,CAUSES,reinforces,,EXCLUDES&hidePole=%2B,x,0,-');
    expect(v.filters.hiddenTypes).toEqual(['CONFLICTS', 'EXCLUDES']);
    expect(v.filters.hiddenPoles).toEqual(['+', '-']);
  });

  it('falls back to the default for numbers that are not numbers', () => {
    const v = parseView('?n=lots&seed=&smin=two&smax=NaN&min=strong');
    expect(v.sampler).toEqual(DEFAULT_SAMPLER);
    expect(v.filters.minStrength).toBe(0);
  });

  it('clamps out-of-range numbers into the range the API accepts', () => {
    const high = parseView('?n=100000&seed=99999999999&smin=9&smax=9&min=2');
    expect(high.sampler).toMatchObject({
      n: SAMPLE.n.max,
      seed: SEED.max,
      sizeMin: SAMPLE.size.max,
      sizeMax: SAMPLE.size.max,
    });
    expect(high.filters.minStrength).toBe(1);
    const low = parseView('?n=0&seed=-3&smin=0&smax=0&min=-1');
    expect(low.sampler).toMatchObject({ n: 1, seed: 0, sizeMin: SAMPLE.size.min, sizeMax: SAMPLE.size.min });
    expect(low.filters.minStrength).toBe(0);
  });

  it('never opens with a maximum size below the minimum size', () => {
    expect(parseView('?smin=4&smax=2').sampler).toMatchObject({ sizeMin: 4, sizeMax: 4 });
    // Also when the link sets only the minimum and the default maximum (4) is below it.
    expect(parseView('?smin=5').sampler).toMatchObject({ sizeMin: 5, sizeMax: 5 });
    expect(parseView('?smin=5&smax=oops').sampler).toMatchObject({ sizeMin: 5, sizeMax: 5 });
  });

  it('ignores empty values and empty list entries', () => {
    const v = parseView('?pattern=&scenario=&include=a,,b,&exclude=,&hide=&tab=');
    expect(v.pattern).toBeNull();
    expect(v.scenario).toBeNull();
    expect(v.sampler.include).toEqual(['a', 'b']);
    expect(v.sampler.exclude).toEqual([]);
    expect(v.filters.hiddenTypes).toEqual([]);
    expect(v.tab).toBe('pattern');
  });

  it('does not throw on broken percent-encoding', () => {
    expect(() => parseView('?pattern=%E0%A4%A&situation=%zz&n=%')).not.toThrow();
    expect(parseView('?n=%').sampler.n).toBe(DEFAULT_SAMPLER.n);
  });

  it('reads only "1" as the sampled flag', () => {
    expect(parseView('?scenario=s&sampled=1').sampled).toBe(true);
    expect(parseView('?scenario=s&sampled=true').sampled).toBe(false);
  });
});

// --- highlight ---------------------------------------------------------------------------------

describe('neighbourhood highlight', () => {
  const adj = buildAdjacency(GRAPH);

  it('treats CONFLICTS, EXCLUDES and VARIANT_OF as undirected, REINFORCES and MODULATES as directed', () => {
    expect(RELATION_TYPES.filter((t) => !isDirected(t))).toEqual(['CONFLICTS', 'EXCLUDES', 'VARIANT_OF']);
  });

  it('shows outgoing directed edges and symmetric edges for direction "out"', () => {
    const n = neighbourhood(adj, 'anxiety', 'out');
    expect(sorted(n.edges)).toEqual(['e1', 'e2']);
    expect(sorted(n.nodes)).toEqual(['anxiety', 'calm', 'confirmation-bias']);
  });

  it('shows incoming directed edges and symmetric edges for direction "in"', () => {
    const n = neighbourhood(adj, 'anxiety', 'in');
    expect(sorted(n.edges)).toEqual(['e2', 'e3']);
    expect(sorted(n.nodes)).toEqual(['anxiety', 'calm', 'conformity']);
  });

  it('shows every edge touching the pattern for direction "both"', () => {
    const n = neighbourhood(adj, 'anxiety', 'both');
    expect(sorted(n.edges)).toEqual(['e1', 'e2', 'e3']);
    expect(sorted(n.nodes)).toEqual(['anxiety', 'calm', 'confirmation-bias', 'conformity']);
  });

  it('counts a symmetric edge both ways from its stored target as well as its source', () => {
    // calm is the stored target of e2 (CONFLICTS) and the stored source of e4 (EXCLUDES).
    for (const direction of DIRECTIONS) {
      const n = neighbourhood(adj, 'calm', direction);
      expect(sorted(n.edges), direction).toEqual(['e2', 'e4']);
      expect(sorted(n.nodes), direction).toEqual(['anxiety', 'calm', 'confirmation-bias']);
    }
  });

  it('does not show a directed edge against its direction', () => {
    // confirmation-bias: e1 REINFORCES comes in, e4 EXCLUDES is symmetric.
    expect(sorted(neighbourhood(adj, 'confirmation-bias', 'out').edges)).toEqual(['e4']);
    expect(sorted(neighbourhood(adj, 'confirmation-bias', 'in').edges)).toEqual(['e1', 'e4']);
    // sociability only has an outgoing edge.
    expect(sorted(neighbourhood(adj, 'sociability', 'in').nodes)).toEqual(['sociability']);
  });

  it('always includes the focused pattern, even one without relations or one not in the graph', () => {
    expect(sorted(neighbourhood(adj, 'loner', 'both').nodes)).toEqual(['loner']);
    expect(neighbourhood(adj, 'loner', 'both').edges.size).toBe(0);
    expect(sorted(neighbourhood(adj, 'missing', 'out').nodes)).toEqual(['missing']);
  });

  it('leaves out edges the filters hide, and the neighbours reached only through them', () => {
    const visible = visibleSubgraph(GRAPH, toggleType('CONFLICTS')(DEFAULT_FILTERS)).edges;
    const n = neighbourhood(adj, 'anxiety', 'both', visible);
    expect(sorted(n.edges)).toEqual(['e1', 'e3']);
    expect(n.nodes.has('calm')).toBe(false);
  });

  it('highlights a scenario as its patterns and the edges among them only', () => {
    const s = scenarioSubgraph(GRAPH, ['anxiety', 'calm', 'conformity']);
    expect(sorted(s.nodes)).toEqual(['anxiety', 'calm', 'conformity']);
    expect(sorted(s.edges)).toEqual(['e2', 'e3']);
  });
});

// --- search ------------------------------------------------------------------------------------

describe('search suggestions', () => {
  const NODES: GraphNode[] = [
    node('anxiety', 'Anxiety', 'emotional-stability', { pole: '-', aliases: ['Worry'], degree: 1 }),
    node('social-anxiety', 'Social Anxiety', 'emotional-stability', {
      pole: '-',
      aliases: ['Social phobia'],
      degree: 6,
    }),
    node('confirmation-bias', 'Confirmation Bias', 'cognitive-bias', {
      aliases: ['Myside bias'],
      degree: 10,
    }),
    node('hostile-attribution-bias', 'Hostile Attribution Bias', 'cognitive-bias', { degree: 4 }),
    node('bias-blind-spot', 'Bias Blind Spot', 'cognitive-bias', { degree: 2 }),
    node('fomo', 'Fear of Missing Out', 'social-influence', { aliases: ['FOMO'], degree: 3 }),
    node('anchoring', 'Anchoring', 'cognitive-bias', { degree: 5 }),
  ];
  const names = (q: string, limit?: number) => suggest(NODES, q, limit).map((s) => s.node.name);

  it('suggests nothing for an empty or blank query', () => {
    expect(suggest(NODES, '')).toEqual([]);
    expect(suggest(NODES, '   ')).toEqual([]);
  });

  it('suggests nothing when nothing matches', () => {
    expect(suggest(NODES, 'zebra')).toEqual([]);
  });

  it('matches names case-insensitively and ignores surrounding spaces', () => {
    expect(names('BIAS')).toEqual(names('bias'));
    expect(names('  anchor ')).toEqual(['Anchoring']);
  });

  it('ranks an exact name first, then name prefixes, then word starts, then substrings', () => {
    // "anxiety" is the whole of Anxiety's name and a later word of Social Anxiety.
    expect(names('anxiety')).toEqual(['Anxiety', 'Social Anxiety']);
    // "bias" starts Bias Blind Spot and starts a later word of two others.
    expect(names('bias')).toEqual(['Bias Blind Spot', 'Confirmation Bias', 'Hostile Attribution Bias']);
    // "an" is a prefix of Anchoring and Anxiety, and a word start in Social Anxiety only.
    expect(names('an')).toEqual(['Anchoring', 'Anxiety', 'Social Anxiety']);
    // "xiet" is inside both anxieties; the better-connected one comes first.
    expect(names('xiet')).toEqual(['Social Anxiety', 'Anxiety']);
  });

  it('ranks equally good matches by degree, then by name', () => {
    const same = [
      node('b', 'Beta Trait', 'openness', { degree: 3 }),
      node('a', 'Alpha Trait', 'openness', { degree: 3 }),
      node('c', 'Gamma Trait', 'openness', { degree: 9 }),
    ];
    expect(suggest(same, 'trait').map((s) => s.node.name)).toEqual([
      'Gamma Trait',
      'Alpha Trait',
      'Beta Trait',
    ]);
  });

  it('matches by alias and says which alias matched', () => {
    const [worry] = suggest(NODES, 'worr');
    expect(worry?.node.id).toBe('anxiety');
    expect(worry?.via).toBe('Worry');
    const [myside] = suggest(NODES, 'MYSIDE');
    expect(myside?.node.id).toBe('confirmation-bias');
    expect(myside?.via).toBe('Myside bias');
  });

  it('names no alias when the name matches at least as well', () => {
    const [social] = suggest(NODES, 'social');
    expect(social?.node.id).toBe('social-anxiety');
    expect(social?.via).toBeUndefined();
  });

  it('lists each pattern once, even when its name and several aliases match', () => {
    const ids = suggest(NODES, 'bias').map((s) => s.node.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('matches the pattern id too', () => {
    expect(suggest(NODES, 'hostile-attr').map((s) => s.node.id)).toEqual(['hostile-attribution-bias']);
  });

  it('returns at most eight suggestions by default, or the given limit', () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      node(`p${i}`, `Pattern ${i}`, 'openness', { degree: i }),
    );
    expect(suggest(many, 'pattern')).toHaveLength(8);
    expect(suggest(many, 'pattern', 3).map((s) => s.node.id)).toEqual(['p11', 'p10', 'p9']);
    expect(names('bias', 1)).toEqual(['Bias Blind Spot']);
  });
});

// --- conversation ------------------------------------------------------------------------------

describe('conversation turns', () => {
  it('splits "[inner thought] (action) speech" into its three parts, in order', () => {
    expect(splitTurn("[I hope she doesn't notice] (looks away) Fine, thanks.")).toEqual([
      { kind: 'thought', text: "I hope she doesn't notice" },
      { kind: 'action', text: 'looks away' },
      { kind: 'speech', text: 'Fine, thanks.' },
    ]);
  });

  it('reads a turn with only speech as a single speech part', () => {
    expect(splitTurn('  Hello there, how was the trip?  ')).toEqual([
      { kind: 'speech', text: 'Hello there, how was the trip?' },
    ]);
  });

  it('keeps parts in the order they are written, with speech between them', () => {
    expect(splitTurn('Well (shrugs) I guess [she already knows] so.')).toEqual([
      { kind: 'speech', text: 'Well' },
      { kind: 'action', text: 'shrugs' },
      { kind: 'speech', text: 'I guess' },
      { kind: 'thought', text: 'she already knows' },
      { kind: 'speech', text: 'so.' },
    ]);
  });

  it('trims each part and drops blank speech between brackets', () => {
    expect(splitTurn('[  tired  ]   (  sighs )  ')).toEqual([
      { kind: 'thought', text: 'tired' },
      { kind: 'action', text: 'sighs' },
    ]);
  });

  it('returns no parts for an empty turn', () => {
    expect(splitTurn('')).toEqual([]);
    expect(splitTurn('   ')).toEqual([]);
  });

  it('keeps brackets of the other kind inside a thought or an action', () => {
    expect(splitTurn('[why does she (always) do that]')).toEqual([
      { kind: 'thought', text: 'why does she (always) do that' },
    ]);
    expect(splitTurn('(mutters [barely audible])')).toEqual([
      { kind: 'action', text: 'mutters [barely audible]' },
    ]);
  });

  it('keeps the words after an unclosed bracket as speech, without throwing', () => {
    // The stray opening bracket itself is not shown; the words around it are.
    expect(splitTurn('I was going to [say something')).toEqual([
      { kind: 'speech', text: 'I was going to' },
      { kind: 'speech', text: 'say something' },
    ]);
    expect(splitTurn('Sure (nods')).toEqual([
      { kind: 'speech', text: 'Sure' },
      { kind: 'speech', text: 'nods' },
    ]);
  });

  it('treats a stray closing bracket as part of the speech', () => {
    expect(splitTurn('Fine] whatever) okay')).toEqual([{ kind: 'speech', text: 'Fine] whatever) okay' }]);
  });
});

// --- focus view, paths and matrix -------------------------------------------------------------

describe('the focus view, paths and the matrix', () => {
  // a → b → c → d, and e ↔ a (CONFLICTS, stored a < e)
  const chain: GraphData = {
    graphHash: '',
    nodes: ['a', 'b', 'c', 'd', 'e'].map((id) => ({
      id,
      name: id,
      kind: 'social-cognitive' as const,
      family: id < 'c' ? 'cognitive-bias' : 'motivational',
      aliases: [],
      degree: 1,
    })),
    edges: [
      { id: 'ab', type: 'REINFORCES', source: 'a', target: 'b', strength: 0.5 },
      { id: 'bc', type: 'REINFORCES', source: 'b', target: 'c', strength: 0.5 },
      { id: 'cd', type: 'REINFORCES', source: 'c', target: 'd', strength: 0.9 },
      { id: 'ae', type: 'CONFLICTS', source: 'a', target: 'e', strength: 0.3 },
    ],
  };
  const adj = buildAdjacency(chain);

  it('takes exactly the patterns within depth steps, by direction', () => {
    const two = depthNeighbourhood(adj, 'a', 2, 'both');
    expect([...two.nodes].sort()).toEqual(['a', 'b', 'c', 'e']);
    expect([...two.edges].sort()).toEqual(['ab', 'ae', 'bc']);
    expect(two.distance.get('c')).toBe(2);
    expect([...depthNeighbourhood(adj, 'd', 3, 'out').nodes]).toEqual(['d']);
    expect([...depthNeighbourhood(adj, 'd', 3, 'in').nodes].sort()).toEqual(['a', 'b', 'c', 'd']);
    // depth 1 is the plain neighbourhood
    expect(depthNeighbourhood(adj, 'b', 1, 'both').nodes).toEqual(neighbourhood(adj, 'b', 'both').nodes);
  });

  it('puts the pattern at the centre and each distance on a ring further out', () => {
    const hood = depthNeighbourhood(adj, 'a', 2, 'both');
    const pos = radialLayout(hood, adj, 1);
    const r = (id: string) => Math.hypot(pos.get(id)!.x, pos.get(id)!.y);
    expect(r('a')).toBe(0);
    expect(r('b')).toBeCloseTo(r('e'));
    expect(r('c')).toBeGreaterThan(r('b'));
  });

  it('draws paths as the union of their patterns and relations', () => {
    const sub = pathsSubgraph([
      { patterns: ['a', 'b', 'c'], steps: [{ relation: 'ab' }, { relation: 'bc' }] },
      { patterns: ['a', 'e'], steps: [{ relation: 'ae' }] },
    ]);
    expect([...sub.nodes].sort()).toEqual(['a', 'b', 'c', 'e']);
    expect([...sub.edges].sort()).toEqual(['ab', 'ae', 'bc']);
  });

  it('counts library coverage per pattern and per relation among a scenario’s patterns', () => {
    const c = coverageOf(chain, [{ patterns: ['a', 'b'] }, { patterns: ['a', 'b', 'c'] }]);
    expect(Object.fromEntries(c.nodes)).toEqual({ a: 2, b: 2, c: 1 });
    expect(Object.fromEntries(c.edges)).toEqual({ ab: 2, bc: 1 });
    expect([c.maxNode, c.maxEdge, c.scenarios]).toEqual([2, 2, 2]);
    expect(coverageColor(0, 2)).toBe(GAP_COLOR);
    expect(coverageColor(1, 2)).not.toBe(coverageColor(2, 2));
  });

  it('orders the matrix by group, then degree; symmetric relations fill both cells', () => {
    const all = new Set(chain.nodes.map((n) => n.id));
    const m = buildMatrix(
      chain,
      all,
      new Set(chain.edges.map((e) => e.id)),
      (id) => chain.nodes.find((n) => n.id === id)!.family,
    );
    expect(m.groups.map((g) => [g.key, g.size])).toEqual([
      ['motivational', 3],
      ['cognitive-bias', 2],
    ]);
    const at = (a: string, b: string) =>
      matrixCell(m, m.ids.indexOf(a), m.ids.indexOf(b))?.edges.map((e) => e.id);
    expect(at('a', 'b')).toEqual(['ab']);
    expect(at('b', 'a')).toBeUndefined();
    expect(at('a', 'e')).toEqual(['ae']);
    expect(at('e', 'a')).toEqual(['ae']);
  });
});
