/**
 * Whole-graph checks. Errors are facts that make the graph wrong (contradictory edges, patterns
 * too thinly connected to sample, a modulator conditioned on a situation that does not exist);
 * review items are patterns worth a human look (unbalanced signed triangles, near-duplicates).
 */
import {
  type Catalog,
  type CompatibleVerdict,
  type Pattern,
  type Relation,
  isCausal,
  isTrait,
  needsReason,
  scopeOf,
} from '../model/index.js';

export interface LintItem {
  rule: LintRule;
  message: string;
  patterns: string[];
  relations: string[];
}

export type LintRule =
  | 'contradictory-pair'
  | 'too-few-edges'
  | 'trait-without-excludes'
  | 'unknown-situation'
  | 'ungraded-trait-pair'
  | 'excludes-with-causal'
  | 'unbalanced-triangle'
  | 'near-duplicate';

export interface LintOptions {
  /** Minimum causal edges per pattern (default 4). */
  minCausalEdges?: number;
  /**
   * The reviewed compatible trait pairs (seed/trait-pairs.json). When given, every opposite-pole
   * or same-facet trait pair must have a verdict: a relation, or an entry here.
   */
  traitVerdicts?: readonly CompatibleVerdict[];
}

export interface LintReport {
  errors: LintItem[];
  review: LintItem[];
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

function contradictoryPairs(relations: readonly Relation[]): LintItem[] {
  const byPair = new Map<string, Relation[]>();
  for (const r of relations) {
    const key = pairKey(r.source, r.target);
    byPair.set(key, [...(byPair.get(key) ?? []), r]);
  }
  const items: LintItem[] = [];
  for (const rels of byPair.values()) {
    // A `between` edge describes two people, so it does not contradict an EXCLUDES (see excludesWithCausal).
    const types = new Set(rels.filter((r) => scopeOf(r) !== 'between').map((r) => r.type));
    const clash =
      types.has('REINFORCES') && types.has('EXCLUDES')
        ? 'REINFORCES and EXCLUDES'
        : types.has('REINFORCES') && types.has('CONFLICTS')
          ? 'REINFORCES and CONFLICTS'
          : undefined;
    if (!clash) continue;
    const [a, b] = [rels[0]!.source, rels[0]!.target].sort();
    items.push({
      rule: 'contradictory-pair',
      message: `${a} and ${b} are joined by both ${clash}`,
      patterns: [a!, b!],
      relations: rels.map((r) => r.id).sort(),
    });
  }
  return items;
}

/**
 * Patterns too thinly connected to sample, and (when the trait pairs are not graded) traits with
 * no EXCLUDES partner. With a graded trait matrix a trait may rightly have none — the list holds
 * no near antonym of it (generous) — and ungradedTraitPairs checks the matrix instead.
 */
function thinPatterns(catalog: Catalog, min: number, graded: boolean): LintItem[] {
  const items: LintItem[] = [];
  for (const p of catalog.patterns) {
    const causal = catalog.relations.filter(
      (r) => isCausal(r.type) && (r.source === p.id || r.target === p.id),
    );
    const reinforces = causal.filter((r) => r.type === 'REINFORCES').length;
    const tension = causal.length - reinforces;
    const missing: string[] = [];
    if (causal.length < min) missing.push(`${causal.length} causal edges (needs ${min})`);
    if (!reinforces) missing.push('no REINFORCES');
    if (!tension) missing.push('no CONFLICTS or MODULATES');
    if (missing.length) {
      items.push({
        rule: 'too-few-edges',
        message: `${p.id}: ${missing.join(', ')}`,
        patterns: [p.id],
        relations: causal.map((r) => r.id),
      });
    }
    if (
      !graded &&
      p.kind === 'trait' &&
      !catalog.relations.some((r) => r.type === 'EXCLUDES' && (r.source === p.id || r.target === p.id))
    ) {
      items.push({
        rule: 'trait-without-excludes',
        message: `${p.id}: no EXCLUDES partner`,
        patterns: [p.id],
        relations: [],
      });
    }
  }
  return items;
}

/** Situation ids named in the parenthesis that ends a condition: "... (adversity, duty)." */
export function conditionSituations(condition: string): string[] {
  const match = /\(([^()]*)\)\s*\.?\s*$/.exec(condition);
  if (!match) return [];
  return match[1]!
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function unknownSituations(catalog: Catalog): LintItem[] {
  const known = new Set(catalog.situations.flatMap((s) => [s.id, s.name.toLowerCase()]));
  const items: LintItem[] = [];
  for (const r of catalog.relations) {
    if (r.type !== 'MODULATES') continue;
    const unknown = conditionSituations(r.condition).filter((s) => !known.has(s));
    if (unknown.length) {
      items.push({
        rule: 'unknown-situation',
        message: `${r.id}: condition names unknown situation(s) ${unknown.map((u) => `"${u}"`).join(', ')}`,
        patterns: [r.source, r.target],
        relations: [r.id],
      });
    }
  }
  return items;
}

/**
 * Triangles of two REINFORCES and one CONFLICTS (either direction): A reinforces B, B reinforces
 * C, yet A conflicts with C. Heider's balance theory calls these unstable; in a graph of patterns
 * they are often right (and make good scenarios), but each deserves a second look.
 */
function unbalancedTriangles(relations: readonly Relation[]): LintItem[] {
  const sign = new Map<string, { sign: number; id: string }>();
  const adj = new Map<string, Set<string>>();
  for (const r of relations) {
    if (r.type !== 'REINFORCES' && r.type !== 'CONFLICTS') continue;
    const key = pairKey(r.source, r.target);
    if (sign.has(key)) continue; // one signed edge per pair; contradictory pairs are reported apart
    sign.set(key, { sign: r.type === 'REINFORCES' ? 1 : -1, id: r.id });
    for (const [x, y] of [
      [r.source, r.target],
      [r.target, r.source],
    ] as const) {
      if (!adj.has(x)) adj.set(x, new Set());
      adj.get(x)!.add(y);
    }
  }
  const items: LintItem[] = [];
  const nodes = [...adj.keys()].sort();
  for (const a of nodes) {
    for (const b of adj.get(a)!) {
      if (b <= a) continue;
      for (const c of adj.get(b)!) {
        if (c <= b || !adj.get(a)!.has(c)) continue;
        const edges = [sign.get(pairKey(a, b))!, sign.get(pairKey(b, c))!, sign.get(pairKey(a, c))!];
        if (edges.filter((e) => e.sign < 0).length === 1) {
          items.push({
            rule: 'unbalanced-triangle',
            message: `${a}, ${b}, ${c}: a conflict between two patterns that reinforce a third`,
            patterns: [a, b, c],
            relations: edges.map((e) => e.id),
          });
        }
      }
    }
  }
  return items;
}

const STOP = new Set(['the', 'of', 'and', 'a', 'effect', 'bias', 'theory', 'principle', 'hypothesis', 'to']);
const stem = (w: string) => w.replace(/(ness|ity|ousy|ous|ing|es|y|s)$/, '');

function nameWords(p: Pattern): Set<string> {
  return new Set(
    p.name
      .toLowerCase()
      .split(/[^a-z]+/)
      .filter((w) => w && !STOP.has(w))
      .map(stem),
  );
}

/** Pairs whose names share their content words (jealous / jealousy, reactance / psychological reactance theory). */
function nearDuplicates(patterns: readonly Pattern[]): LintItem[] {
  const items: LintItem[] = [];
  const words = patterns.map((p) => ({ p, w: nameWords(p) }));
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) {
      const { p: a, w: wa } = words[i]!;
      const { p: b, w: wb } = words[j]!;
      const shared = [...wa].filter((w) => wb.has(w));
      const smaller = Math.min(wa.size, wb.size);
      if (!smaller || shared.length < smaller) continue;
      const documented =
        a.distinctFrom?.some((d) => d.id === b.id) && b.distinctFrom?.some((d) => d.id === a.id);
      items.push({
        rule: 'near-duplicate',
        message: `${a.id} / ${b.id}: names share "${shared.join(' ')}"${documented ? ' (told apart in distinctFrom)' : ' — add distinctFrom on both sides'}`,
        patterns: [a.id, b.id],
        relations: [],
      });
    }
  }
  return items;
}

/** Opposite-pole or same-facet trait pairs with neither a relation nor a reviewed compatible call. */
function ungradedTraitPairs(catalog: Catalog, verdicts: readonly CompatibleVerdict[]): LintItem[] {
  const graded = new Set(verdicts.map((v) => pairKey(v.a, v.b)));
  for (const r of catalog.relations) graded.add(pairKey(r.source, r.target));
  const traits = catalog.patterns.filter(isTrait).sort((a, b) => (a.id < b.id ? -1 : 1));
  const items: LintItem[] = [];
  for (let i = 0; i < traits.length; i++) {
    for (let j = i + 1; j < traits.length; j++) {
      const [a, b] = [traits[i]!, traits[j]!];
      if (!needsReason(a, b) || graded.has(pairKey(a.id, b.id))) continue;
      const why = a.pole !== b.pole ? 'opposite poles' : `one facet (${a.marker?.facet})`;
      items.push({
        rule: 'ungraded-trait-pair',
        message: `${a.id} / ${b.id}: ${why} of ${a.dimension} without a verdict`,
        patterns: [a.id, b.id],
        relations: [],
      });
    }
  }
  return items;
}

/**
 * EXCLUDES pairs that also carry a causal edge. Inside one mind that is a contradiction (error);
 * a `between` edge describes two people and is listed for review only.
 */
function excludesWithCausal(relations: readonly Relation[]): { errors: LintItem[]; review: LintItem[] } {
  const excluded = new Map<string, Relation>();
  for (const r of relations) if (r.type === 'EXCLUDES') excluded.set(pairKey(r.source, r.target), r);
  const errors: LintItem[] = [];
  const review: LintItem[] = [];
  for (const r of relations) {
    const ex = excluded.get(pairKey(r.source, r.target));
    if (!ex || !isCausal(r.type)) continue;
    const scope = scopeOf(r);
    if (r.type === 'REINFORCES' && scope !== 'between') continue; // reported as a contradictory pair
    const item: LintItem = {
      rule: 'excludes-with-causal',
      message:
        scope === 'between'
          ? `${r.id}: a between-person edge on a pair that EXCLUDES (fine if it describes two people)`
          : `${r.id}: ${r.source} and ${r.target} EXCLUDE each other but the edge acts ${scope}`,
      patterns: [r.source, r.target].sort(),
      relations: [ex.id, r.id],
    };
    (scope === 'between' ? review : errors).push(item);
  }
  return { errors, review };
}

export function lintGraph(catalog: Catalog, options: LintOptions = {}): LintReport {
  const excluded = excludesWithCausal(catalog.relations);
  return {
    errors: [
      ...contradictoryPairs(catalog.relations),
      ...thinPatterns(catalog, options.minCausalEdges ?? 4, options.traitVerdicts !== undefined),
      ...unknownSituations(catalog),
      ...(options.traitVerdicts ? ungradedTraitPairs(catalog, options.traitVerdicts) : []),
      ...excluded.errors,
    ],
    review: [
      ...unbalancedTriangles(catalog.relations),
      ...nearDuplicates(catalog.patterns),
      ...excluded.review,
    ],
  };
}
