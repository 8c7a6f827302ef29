/**
 * The trait matrix: one verdict for every unordered pair of trait adjectives. A pair's verdict
 * comes from the relations between the two (EXCLUDES first, then CONFLICTS, MODULATES,
 * REINFORCES); a pair with none is `compatible`, and the seed's reviewed list of compatible pairs
 * (`seed/trait-pairs.json`) records that it was judged so, with a reason where the call needed one.
 */
import { z } from 'zod';
import type { InputProblem } from './errors.js';
import { type RelationType } from './ids.js';
import { IdSchema, type Pattern, type Trait } from './pattern.js';
import type { Relation } from './relation.js';

export const TRAIT_VERDICTS = ['EXCLUDES', 'CONFLICTS', 'MODULATES', 'REINFORCES', 'compatible'] as const;
export type TraitVerdict = (typeof TRAIT_VERDICTS)[number];

/** The relation types that decide a verdict, strongest first. */
const VERDICT_ORDER: readonly RelationType[] = ['EXCLUDES', 'CONFLICTS', 'MODULATES', 'REINFORCES'];

/** One entry of `seed/trait-pairs.json`: a pair judged compatible. */
export const CompatibleVerdictSchema = z.strictObject({
  a: IdSchema,
  b: IdSchema,
  verdict: z.literal('compatible'),
  reason: z.string().trim().min(1, 'must not be empty').optional(),
});
export type CompatibleVerdict = z.infer<typeof CompatibleVerdictSchema>;

export interface TraitPair {
  a: string;
  b: string;
  verdict: TraitVerdict;
  /** Ids of every relation between the two (causal and EXCLUDES), sorted. */
  relations?: string[];
  /** The deciding relation's rationale, or the reviewed reason for a compatible call. */
  reason?: string;
}

const keyOf = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);

/** A pair that needs a written reason when judged compatible: opposite poles, or one facet. */
export function needsReason(a: Trait, b: Trait): boolean {
  const oppositePole = a.dimension === b.dimension && a.pole !== b.pole;
  const sameFacet =
    a.dimension === b.dimension && a.marker !== undefined && a.marker.facet === b.marker?.facet;
  return oppositePole || sameFacet;
}

export function isTrait(p: Pattern): p is Trait {
  return p.kind === 'trait';
}

/** Relations between two traits, grouped by unordered pair. */
function relationsByPair(
  traits: ReadonlySet<string>,
  relations: readonly Relation[],
): Map<string, Relation[]> {
  const byPair = new Map<string, Relation[]>();
  for (const r of relations) {
    if (!traits.has(r.source) || !traits.has(r.target)) continue;
    const key = keyOf(r.source, r.target);
    byPair.set(key, [...(byPair.get(key) ?? []), r]);
  }
  return byPair;
}

export function verdictOf(relations: readonly Relation[]): TraitVerdict {
  for (const type of VERDICT_ORDER) if (relations.some((r) => r.type === type)) return type as TraitVerdict;
  return 'compatible';
}

/**
 * Every unordered pair of traits (a < b, sorted by a then b) with its verdict. `compatible`
 * holds the reviewed compatible calls; their reasons are attached where present.
 */
export function buildTraitMatrix(
  patterns: readonly Pattern[],
  relations: readonly Relation[],
  compatible: readonly CompatibleVerdict[] = [],
): TraitPair[] {
  const traits = patterns.filter(isTrait).map((t) => t.id);
  traits.sort();
  const byPair = relationsByPair(new Set(traits), relations);
  const reasons = new Map(compatible.map((c) => [keyOf(c.a, c.b), c.reason]));
  const out: TraitPair[] = [];
  for (let i = 0; i < traits.length; i++) {
    for (let j = i + 1; j < traits.length; j++) {
      const a = traits[i]!;
      const b = traits[j]!;
      const rels = byPair.get(`${a}|${b}`) ?? [];
      const verdict = verdictOf(rels);
      const pair: TraitPair = { a, b, verdict };
      if (rels.length) pair.relations = rels.map((r) => r.id).sort();
      const reason =
        verdict === 'compatible' ? reasons.get(`${a}|${b}`) : rels.find((r) => r.type === verdict)?.rationale;
      if (reason) pair.reason = reason;
      out.push(pair);
    }
  }
  return out;
}

/**
 * Checks the reviewed compatible list against the catalog: known traits, a < b, no pair twice,
 * no pair that also has a relation (a contradictory verdict), a reason where the pair needs one,
 * and no trait pair left without any verdict. Problems name the file and JSON path.
 */
export function checkTraitVerdicts(
  entries: readonly { value: CompatibleVerdict; path: string }[],
  file: string,
  patterns: readonly Pattern[],
  relations: readonly Relation[],
): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = (path: string, message: string) => problems.push({ file, path, message });
  const traits = new Map(patterns.filter(isTrait).map((t) => [t.id, t]));
  const byPair = relationsByPair(new Set(traits.keys()), relations);
  const seen = new Map<string, string>();
  for (const { value: v, path } of entries) {
    const a = traits.get(v.a);
    const b = traits.get(v.b);
    if (!a) at(`${path}.a`, `"${v.a}" is not a trait`);
    if (!b) at(`${path}.b`, `"${v.b}" is not a trait`);
    if (!a || !b) continue;
    if (v.a >= v.b) at(`${path}.a`, `pairs are stored with a < b: swap "${v.a}" and "${v.b}"`);
    const key = keyOf(v.a, v.b);
    const first = seen.get(key);
    if (first) at(path, `duplicate verdict for ${v.a} / ${v.b} (first at ${first})`);
    else seen.set(key, path);
    const rels = byPair.get(key);
    if (rels?.length) {
      at(
        `${path}.verdict`,
        `${v.a} / ${v.b} is judged compatible but has ${rels.map((r) => r.id).join(', ')} (a contradictory verdict)`,
      );
    }
    if (!v.reason && needsReason(a, b)) {
      at(
        `${path}.reason`,
        `${v.a} / ${v.b} are opposite poles or one facet: a compatible call needs a reason`,
      );
    }
  }
  const ids = [...traits.keys()].sort();
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const key = `${ids[i]}|${ids[j]}`;
      if (!seen.has(key) && !byPair.has(key)) {
        at('(root)', `no verdict for ${ids[i]} / ${ids[j]}: add a relation or a compatible entry`);
      }
    }
  }
  return problems;
}
