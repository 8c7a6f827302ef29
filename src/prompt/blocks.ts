/**
 * The graph's text as prompt blocks, shared by the scene prompt and the role-play prompt: one
 * pattern (definition, mechanisms, two manifestations), one edge, one expected-dynamics line.
 */
import { type Pattern, type Relation, hash64, scopeOf } from '../model/index.js';
import type { ResolvedScenario } from './context.js';
import type { PatternDetail, PatternPart } from './document.js';
import { type Templates, fill } from './templates.js';

/** Sentences split after . ! ? followed by a space and a capital, quote, bracket or digit. */
export function firstSentence(text: string): string {
  const [first = text] = text.trim().split(/(?<=[.!?])\s+(?=["'‘“(A-Z0-9])/);
  return first;
}

/** Two manifestations picked from a hash of the scenario id, so a scenario always shows the same ones. */
export function chooseManifestations(pattern: Pattern, scenarioId: string): string[] {
  const all = pattern.manifestations;
  if (all.length <= 2) return [...all];
  const start = parseInt(hash64(`${scenarioId}|${pattern.id}`).slice(0, 8), 16) % all.length;
  return [all[start]!, all[(start + 1) % all.length]!];
}

function kindLabel(pattern: Pattern, t: Templates): string {
  return pattern.kind === 'trait'
    ? fill(t.labels.trait, { dimension: pattern.dimension, pole: pattern.pole })
    : fill(t.labels.socialCognitive, { category: pattern.category });
}

export function carriersLabel(resolved: ResolvedScenario, patternId: string, t: Templates): string {
  const who = (resolved.carriers.get(patternId) ?? []).map((i) => resolved.cast[i]!.label);
  return who.length ? fill(t.labels.carriedBy, { characters: who.join(', ') }) : t.labels.uncarried;
}

/** A pattern block whose detail the budget can lower. */
export function patternPart(
  pattern: Pattern,
  carriers: string,
  scenarioId: string,
  t: Templates,
): PatternPart {
  const examples = chooseManifestations(pattern, scenarioId);
  return {
    pattern: pattern.id,
    render: (detail: PatternDetail) => {
      const lines = [fill(t.pattern.heading, { name: pattern.name, kind: kindLabel(pattern, t), carriers })];
      if (detail.definition !== 'name-only') {
        const definition =
          detail.definition === 'full' ? pattern.definition : firstSentence(pattern.definition);
        lines.push(fill(t.pattern.definition, { definition }));
      }
      if (detail.mechanisms) lines.push(fill(t.pattern.mechanisms, pattern.mechanisms));
      if (detail.manifestations && examples.length) {
        lines.push(t.pattern.manifestationsIntro);
        for (const text of examples) lines.push(fill(t.pattern.manifestation, { text }));
      }
      return lines.join('\n') + '\n\n';
    },
  };
}

export const patternName = (resolved: ResolvedScenario, id: string): string =>
  resolved.patterns.find((p) => p.id === id)?.name ?? id;

/** "source TYPE target (strength): rationale", plus condition and effect for MODULATES. */
export function relationText(resolved: ResolvedScenario, r: Relation, t: Templates): string {
  const source = patternName(resolved, r.source);
  const target = patternName(resolved, r.target);
  const line = fill(t.relations.line, {
    source,
    type: r.type,
    target,
    strength: r.strength.toFixed(2),
    scope: t.relations.scopes[scopeOf(r) ?? 'either'],
    rationale: r.rationale,
  });
  if (r.type !== 'MODULATES') return line;
  return `${line}\n${fill(t.relations.modulation, { source, target, condition: r.condition, effect: r.effect })}`;
}

/** The characters carrying an edge's two ends (the first carrier of each; undefined if none). */
function ends(resolved: ResolvedScenario, r: Relation): [number | undefined, number | undefined] {
  return [resolved.carriers.get(r.source)?.[0], resolved.carriers.get(r.target)?.[0]];
}

/** Whether an edge plays out inside one character (true) or between two (false). */
export function isInner(resolved: ResolvedScenario, r: Relation): boolean {
  const [a, b] = ends(resolved, r);
  return a === b;
}

/**
 * Whether the cast places an edge as its scope says: a `within` edge inside one character, a
 * `between` edge across two. The sampler only builds casts that fit; a hand-made or imported
 * scenario may not, and then the edge is phrased by its scope rather than by the cast.
 */
export function fitsScope(resolved: ResolvedScenario, r: Relation): boolean {
  const [a, b] = ends(resolved, r);
  const scope = scopeOf(r);
  if (!scope || scope === 'either' || a === undefined || b === undefined) return true;
  return scope === 'within' ? a === b : a !== b;
}

/** What the edge asks the actors to show, inside one character or between two, as its scope says. */
export function dynamicsLine(resolved: ResolvedScenario, r: Relation, t: Templates): string {
  const [a, b] = ends(resolved, r);
  const label = (i: number | undefined) => (i === undefined ? t.labels.uncarried : resolved.cast[i]!.label);
  const values = {
    source: patternName(resolved, r.source),
    target: patternName(resolved, r.target),
    character: label(a),
    sourceCharacter: label(a),
    targetCharacter: label(b),
    condition: r.type === 'MODULATES' ? r.condition : '',
    effect: r.type === 'MODULATES' ? r.effect : '',
  };
  const d = t.dynamics;
  if (!fitsScope(resolved, r)) {
    return fill(a === b ? d.betweenInOne : d.withinAcross, { ...values, type: r.type });
  }
  const templates = {
    REINFORCES: a === b ? d.reinforcesInner : d.reinforcesAcross,
    CONFLICTS: a === b ? d.conflictsInner : d.conflictsAcross,
    MODULATES: a === b ? d.modulatesInner : d.modulatesAcross,
  };
  return fill(
    r.type === 'REINFORCES' || r.type === 'CONFLICTS' ? templates[r.type] : templates.MODULATES,
    values,
  );
}
