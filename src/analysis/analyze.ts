/**
 * Graph analytics for the catalog: degree and type mix per pattern, Louvain communities,
 * centrality (PageRank over the directed causal graph, betweenness over the undirected one), the
 * most reinforcing and most conflicted patterns, and edge counts across kinds.
 */
import { DirectedGraph, UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import betweennessModule from 'graphology-metrics/centrality/betweenness.js';
import pagerankModule from 'graphology-metrics/centrality/pagerank.js';
import {
  CAUSAL_TYPES,
  type Catalog,
  type CausalType,
  type Pattern,
  type RelationType,
  isCausal,
  patternFamily,
} from '../model/index.js';
import { createRandom } from '../sample/random.js';

export interface PatternAnalysis {
  id: string;
  kind: Pattern['kind'];
  family: string;
  degree: { in: number; out: number; total: number };
  byType: Record<RelationType, number>;
  community: number;
  pagerank: number;
  betweenness: number;
}

export interface GraphAnalysis {
  summary: {
    patterns: number;
    causalEdges: number;
    byType: Record<CausalType, number>;
    crossKind: Record<'trait-trait' | 'trait-social' | 'social-social', Record<CausalType, number>>;
    communities: number;
    modularity: number;
  };
  patterns: PatternAnalysis[];
  top: {
    reinforcing: { id: string; out: number }[];
    reinforced: { id: string; in: number }[];
    conflicted: { id: string; conflicts: number }[];
    modulating: { id: string; out: number }[];
    central: { id: string; pagerank: number }[];
  };
  communities: { id: number; size: number; members: string[] }[];
}

/**
 * These packages are CommonJS (`module.exports = fn`) with `export default` typings; under NodeNext
 * TypeScript types the default import as the namespace, while Node hands over the function itself.
 */
function interopDefault<T>(mod: { default: T }): T {
  return (mod as { default?: T }).default ?? (mod as unknown as T);
}
const louvain = interopDefault(louvainModule);
const pagerank = interopDefault(pagerankModule);
const betweenness = interopDefault(betweennessModule);

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const zeroTypes = () => ({ REINFORCES: 0, CONFLICTS: 0, MODULATES: 0 }) as Record<CausalType, number>;

export function analyzeGraph(catalog: Catalog, options: { seed?: number; top?: number } = {}): GraphAnalysis {
  const topN = options.top ?? 10;
  const kinds = new Map(catalog.patterns.map((p) => [p.id, p.kind]));
  const causal = catalog.relations.filter(
    (r) => isCausal(r.type) && kinds.has(r.source) && kinds.has(r.target),
  );

  const undirected = new UndirectedGraph<Record<string, never>, { weight: number }>();
  const directed = new DirectedGraph<Record<string, never>, { weight: number }>();
  for (const p of catalog.patterns) {
    undirected.addNode(p.id);
    directed.addNode(p.id);
  }
  const addDirected = (a: string, b: string, w: number) =>
    directed.updateEdge(a, b, (attr) => ({ weight: (attr.weight ?? 0) + w }));
  for (const r of causal) {
    undirected.updateEdge(r.source, r.target, (attr) => ({ weight: (attr.weight ?? 0) + r.strength }));
    addDirected(r.source, r.target, r.strength);
    if (r.type === 'CONFLICTS') addDirected(r.target, r.source, r.strength);
  }

  const detailed = louvain.detailed(undirected, {
    getEdgeWeight: 'weight',
    rng: createRandom(options.seed ?? 42),
  });
  const ranks = pagerank(directed, { getEdgeWeight: 'weight' });
  const between = betweenness(undirected, { normalized: true, getEdgeWeight: null });

  const crossKind = { 'trait-trait': zeroTypes(), 'trait-social': zeroTypes(), 'social-social': zeroTypes() };
  const byType = zeroTypes();
  const per = new Map<string, PatternAnalysis>(
    catalog.patterns.map((p) => [
      p.id,
      {
        id: p.id,
        kind: p.kind,
        family: patternFamily(p),
        degree: { in: 0, out: 0, total: 0 },
        byType: { REINFORCES: 0, CONFLICTS: 0, MODULATES: 0, EXCLUDES: 0, VARIANT_OF: 0 },
        community: detailed.communities[p.id] ?? -1,
        pagerank: round(ranks[p.id] ?? 0),
        betweenness: round(between[p.id] ?? 0),
      },
    ]),
  );
  const reinforcedIn = new Map<string, number>();
  for (const r of catalog.relations) {
    const s = per.get(r.source);
    const t = per.get(r.target);
    if (!s || !t) continue;
    s.byType[r.type] += 1;
    t.byType[r.type] += 1;
    if (!isCausal(r.type)) continue;
    byType[r.type] += 1;
    s.degree.out += 1;
    t.degree.in += 1;
    s.degree.total += 1;
    t.degree.total += 1;
    const traits = [kinds.get(r.source), kinds.get(r.target)].filter((k) => k === 'trait').length;
    crossKind[traits === 2 ? 'trait-trait' : traits === 1 ? 'trait-social' : 'social-social'][r.type] += 1;
    if (r.type === 'REINFORCES') reinforcedIn.set(r.target, (reinforcedIn.get(r.target) ?? 0) + 1);
  }
  const outOf = (type: CausalType, id: string) =>
    causal.filter((r) => r.type === type && r.source === id).length;
  const list = [...per.values()];
  const topBy = <T>(score: (p: PatternAnalysis) => number, make: (p: PatternAnalysis, v: number) => T): T[] =>
    list
      .map((p) => ({ p, v: score(p) }))
      .sort((a, b) => b.v - a.v || (a.p.id < b.p.id ? -1 : 1))
      .slice(0, topN)
      .map(({ p, v }) => make(p, v));

  const members = new Map<number, string[]>();
  for (const p of list) members.set(p.community, [...(members.get(p.community) ?? []), p.id]);

  return {
    summary: {
      patterns: catalog.patterns.length,
      causalEdges: causal.length,
      byType,
      crossKind,
      communities: detailed.count,
      modularity: round(detailed.modularity),
    },
    patterns: list,
    top: {
      reinforcing: topBy(
        (p) => outOf('REINFORCES', p.id),
        (p, v) => ({ id: p.id, out: v }),
      ),
      reinforced: topBy(
        (p) => reinforcedIn.get(p.id) ?? 0,
        (p, v) => ({ id: p.id, in: v }),
      ),
      conflicted: topBy(
        (p) => p.byType.CONFLICTS,
        (p, v) => ({ id: p.id, conflicts: v }),
      ),
      modulating: topBy(
        (p) => outOf('MODULATES', p.id),
        (p, v) => ({ id: p.id, out: v }),
      ),
      central: topBy(
        (p) => p.pagerank,
        (p, v) => ({ id: p.id, pagerank: v }),
      ),
    },
    communities: [...members.entries()]
      .sort((a, b) => b[1].length - a[1].length || a[0] - b[0])
      .map(([id, m]) => ({ id, size: m.length, members: m.sort() })),
  };
}

export { CAUSAL_TYPES };
