/**
 * The role-play system prompt for one character, in the HumanLLM SFT shape ("You are X.
 * ==About X== … ==X's Perception of Others== … ==Current Scenario== … ==Requirements=="): the
 * character's profile when the scenario has one, grounded in the patterns they carry and every
 * edge that touches them. Used to evaluate a model as that character and for ShareGPT records.
 */
import { InvalidInputError, type Scenario, field, fieldText } from '../model/index.js';
import { carriersLabel, dynamicsLine, patternPart, relationText } from './blocks.js';
import { type CompileOptions, type CompiledPrompt, situationParts } from './compile.js';
import { type PromptContext, type ResolvedScenario, resolveScenario } from './context.js';
import { type DocumentSection, type Part, fitDocument } from './document.js';
import { aboutOthersText, profileOf, readProfiles } from './humanllm-schema.js';
import { fill } from './templates.js';

export const ROLEPLAY_SECTIONS = ['identity', 'about', 'others', 'scenario', 'requirements'] as const;

export interface RoleplayPrompt extends CompiledPrompt {
  character: string;
  characterIndex: number;
}

/** A character by name (case-insensitive) or by index (0 = protagonist, 1 = first supporting, …). */
export function findCharacter(resolved: ResolvedScenario, spec: string | number): number {
  const labels = resolved.cast.map((c) => c.label);
  const asIndex = typeof spec === 'number' ? spec : /^\d+$/.test(spec) ? Number(spec) : undefined;
  const index =
    asIndex !== undefined && asIndex < labels.length
      ? asIndex
      : labels.findIndex((l) => l.toLowerCase() === String(spec).trim().toLowerCase());
  if (index < 0) {
    throw new InvalidInputError(
      fieldText`${field('character')}: scenario ${resolved.scenario.id} has no character "${spec}" (characters: ${labels
        .map((l, i) => `${i} ${l}`)
        .join(', ')})`,
    );
  }
  return index;
}

export function buildRoleplaySections(
  resolved: ResolvedScenario,
  index: number,
  ctx: PromptContext,
): DocumentSection[] {
  const t = ctx.templates;
  const me = resolved.cast[index]!;
  const name = me.label;
  const profiles = readProfiles(resolved.scenario.charactersProfiles);
  const profile = profileOf(profiles, name);
  const mine = new Set(me.patterns.map((p) => p.id));
  const touching = resolved.relations.filter((r) => mine.has(r.source) || mine.has(r.target));

  const about: Part[] = [fill(t.roleplay.about, { name })];
  if (profile?.aboutSelf?.trim()) about.push(profile.aboutSelf);
  about.push(t.roleplay.profileIntro);
  for (const p of me.patterns)
    about.push(patternPart(p, carriersLabel(resolved, p.id, t), resolved.scenario.id, t));
  // one part per line: the same edge reads the same in every scenario, so its count is cached
  if (touching.length) {
    about.push(
      t.roleplay.interactions,
      ...touching.map((r) => relationText(resolved, r, t)),
      ...touching.filter((r) => r.type !== 'EXCLUDES').map((r) => dynamicsLine(resolved, r, t)),
    );
  }

  const othersText = aboutOthersText(profile?.aboutOthers);
  const others = resolved.cast
    .filter((_, i) => i !== index)
    .map((c) =>
      fill(t.roleplay.other, {
        other: c.label,
        role: c.role === 'protagonist' ? t.labels.roleProtagonist : t.labels.roleSupporting,
      }),
    );
  const parts: Record<(typeof ROLEPLAY_SECTIONS)[number], Part[]> = {
    identity: [fill(t.roleplay.opening, { name })],
    about,
    others: [fill(t.roleplay.others, { name }), ...(othersText ? [othersText] : others)],
    scenario: [t.roleplay.scenario, ...situationParts(resolved, ctx)],
    requirements: [t.roleplay.requirements, t.roleplay.rules.map((r) => fill(r, { name })).join('\n')],
  };
  return ROLEPLAY_SECTIONS.map((section) => ({ name: section, parts: parts[section] }));
}

export function compileRoleplayPrompt(
  scenario: Scenario,
  ctx: PromptContext,
  character: string | number = 0,
  options: CompileOptions = {},
): RoleplayPrompt {
  const resolved = resolveScenario(scenario, ctx);
  return roleplayFor(resolved, findCharacter(resolved, character), ctx, options);
}

export function roleplayFor(
  resolved: ResolvedScenario,
  index: number,
  ctx: PromptContext,
  options: CompileOptions = {},
): RoleplayPrompt {
  const me = resolved.cast[index]!;
  // only this character's patterns are in the prompt, so only they can be shortened
  const order = me.patterns.map((p) => p.id).reverse();
  const fitted = fitDocument(buildRoleplaySections(resolved, index, ctx), ctx.count, options.budget, order);
  return { scenarioId: resolved.scenario.id, character: me.label, characterIndex: index, ...fitted };
}
