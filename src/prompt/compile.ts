/**
 * compilePrompt: a scenario → the scene-writing prompt, in fixed sections (task, patterns,
 * relations, situation, cast, expected dynamics, output format), fitted to an optional token
 * budget, with its receipt. Pure and deterministic: the same scenario, graph, templates and
 * budget always give the same text and the same promptHash.
 */
import { type Scenario, isCausal } from '../model/index.js';
import { carriersLabel, dynamicsLine, isInner, patternPart, relationText } from './blocks.js';
import { type PromptContext, type ResolvedScenario, resolveScenario } from './context.js';
import { type DocumentSection, type FittedDocument, type Part, fitDocument } from './document.js';
import { fill } from './templates.js';

export const SCENE_SECTIONS = [
  'task',
  'patterns',
  'relations',
  'situation',
  'cast',
  'dynamics',
  'format',
] as const;

export interface CompileOptions {
  /** Token budget for the whole prompt; without it nothing is shortened. */
  budget?: number;
}

export interface CompiledPrompt extends FittedDocument {
  scenarioId: string;
}

const names = (patterns: readonly { name: string }[]) => patterns.map((p) => p.name).join(', ');

/** Patterns in cast order (protagonist first), then any no character carries. */
function patternsInCastOrder(resolved: ResolvedScenario) {
  const seen = new Set<string>();
  const ordered = resolved.cast.flatMap((c) => c.patterns).filter((p) => !seen.has(p.id) && seen.add(p.id));
  return [...ordered, ...resolved.patterns.filter((p) => !seen.has(p.id))];
}

export function situationParts(resolved: ResolvedScenario, ctx: PromptContext): string[] {
  const t = ctx.templates.situation;
  const { situation, scenario } = resolved;
  const parts = [fill(t.line, { name: situation.name, definition: situation.definition })];
  if (scenario.storyBackground) parts.push(fill(t.background, { background: scenario.storyBackground }));
  return parts;
}

function dynamicsParts(resolved: ResolvedScenario, ctx: PromptContext): string[] {
  const t = ctx.templates;
  const causal = resolved.relations.filter((r) => isCausal(r.type));
  const parts = resolved.cast.flatMap((c, i) => [
    c.patterns.length
      ? fill(t.dynamics.shows, { character: c.label, patterns: names(c.patterns) })
      : fill(t.dynamics.partner, { character: c.label }),
    ...causal
      .filter((r) => isInner(resolved, r) && resolved.carriers.get(r.source)?.[0] === i)
      .map((r) => dynamicsLine(resolved, r, t)),
  ]);
  const across = causal.filter((r) => !isInner(resolved, r));
  if (across.length) parts.push(t.dynamics.between, ...across.map((r) => dynamicsLine(resolved, r, t)));
  return parts;
}

export function buildSceneSections(resolved: ResolvedScenario, ctx: PromptContext): DocumentSection[] {
  const t = ctx.templates;
  const id = resolved.scenario.id;
  const heading = (h: string): string => `${h}\n\n`;
  const uncarried = resolved.patterns.filter((p) => !resolved.carriers.get(p.id)?.length);
  // Lines are separate parts where they recur across scenarios (an edge, a cast line), so the
  // token cache counts each of them once per batch rather than once per prompt.
  const parts: Record<(typeof SCENE_SECTIONS)[number], Part[]> = {
    task: [heading(t.headings.task), t.task],
    patterns: [
      heading(t.headings.patterns),
      ...patternsInCastOrder(resolved).map((p) => patternPart(p, carriersLabel(resolved, p.id, t), id, t)),
    ],
    relations: [
      heading(t.headings.relations),
      ...(resolved.relations.length
        ? [t.relations.intro, ...resolved.relations.map((r) => relationText(resolved, r, t))]
        : [t.relations.none]),
    ],
    situation: [heading(t.headings.situation), ...situationParts(resolved, ctx)],
    cast: [
      heading(t.headings.cast),
      ...resolved.cast.map((c) =>
        fill(c.patterns.length ? t.cast.line : t.cast.partner, {
          character: c.label,
          role: c.role === 'protagonist' ? t.labels.roleProtagonist : t.labels.roleSupporting,
          patterns: names(c.patterns),
        }),
      ),
      ...(uncarried.length ? [fill(t.cast.uncarried, { patterns: names(uncarried) })] : []),
    ],
    dynamics: [heading(t.headings.dynamics), ...dynamicsParts(resolved, ctx)],
    format: [heading(t.headings.format), t.formatRules.join('\n')],
  };
  return SCENE_SECTIONS.map((name) => ({ name, parts: parts[name] }));
}

/** Patterns in the order the budget shortens them: the last character's first, the protagonist's last. */
export function shrinkOrder(resolved: ResolvedScenario): string[] {
  return patternsInCastOrder(resolved)
    .map((p) => p.id)
    .reverse();
}

export function compilePrompt(
  scenario: Scenario,
  ctx: PromptContext,
  options: CompileOptions = {},
): CompiledPrompt {
  const resolved = resolveScenario(scenario, ctx);
  const fitted = fitDocument(
    buildSceneSections(resolved, ctx),
    ctx.count,
    options.budget,
    shrinkOrder(resolved),
  );
  return { scenarioId: scenario.id, ...fitted };
}
