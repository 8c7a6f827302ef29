/**
 * Scene synthesis: a sampled scenario → story background, character profiles (about self, about
 * others) and an analysis, in the HumanLLM sample shape. The user
 * message is src/prompt's graph-grounded scene prompt, so the scene rests on the sampled edges.
 */
import { z } from 'zod';
import type { Scenario } from '../model/index.js';
import { type PromptContext, compilePrompt, resolveScenario } from '../prompt/index.js';
import type { CallResult, ChatMessage, LlmClient, ReplyFormat } from './client.js';

const Text = z.string().trim().min(1);
const ProfileSchema = z.strictObject({ name: Text, aboutSelf: Text, aboutOthers: Text });

export const SceneSchema = z.strictObject({
  storyBackground: Text,
  charactersProfiles: z.strictObject({
    protagonist: ProfileSchema,
    supportingCharacter: z.array(ProfileSchema),
  }),
  analysis: Text,
});
export type Scene = z.infer<typeof SceneSchema>;

export const SCENE_SYSTEM = [
  'You are a psychologist and screenwriter. You design one scene in which the given psychological',
  'patterns show through behaviour, following the typed relations between them.',
  'storyBackground: the setting and what is happening now, in prose, with no dialogue (at most 250 words).',
  'charactersProfiles: for each character a name, aboutSelf (identity, at least four descriptors,',
  'background, motivation; objective) and aboutOthers (how they see each other character, as',
  'Markdown bullets "* **Name**: …", subjective).',
  'analysis: "**Design Rationale**" (where each pattern shows), "**Catalyst Details**" ("* [detail]:',
  'function" lines) and "**Expected Character Tendencies**" with one line per character:',
  '"@ [Name]: 1. …; 2. …". Reactions authentic rather than archetypal.',
].join('\n');

export const SCENE_MAX_TOKENS = 2000;

export function sceneMessages(scenario: Scenario, ctx: PromptContext): ChatMessage[] {
  const resolved = resolveScenario(scenario, ctx);
  const supporting = resolved.cast.filter((c) => c.role === 'supporting').length;
  const cast = resolved.cast
    .map((c) => `- ${c.label} (${c.role}): ${c.patterns.map((p) => p.name).join(', ')}`)
    .join('\n');
  const user = [
    compilePrompt(scenario, ctx).text,
    '',
    `Cast: 1 protagonist and ${supporting} supporting character(s), in this order:`,
    cast,
    'Give every character a first name of their own; use those names everywhere.',
  ].join('\n');
  return [
    { role: 'system', content: SCENE_SYSTEM },
    { role: 'user', content: user },
  ];
}

/**
 * The scene schema for this scenario: exactly as many supporting profiles as it has supporting
 * characters, and a character's name pinned when the scenario already names it, so that
 * constrained decoding cannot drop, add or rename a character.
 */
export function sceneSchemaFor(scenario: Scenario): z.ZodType<Scene> {
  const profile = (name: string | undefined) =>
    name ? ProfileSchema.extend({ name: z.literal(name) }) : ProfileSchema;
  const protagonist = scenario.characters.find((c) => c.role === 'protagonist');
  const supporting = scenario.characters.filter((c) => c.role === 'supporting');
  return z.strictObject({
    storyBackground: Text,
    charactersProfiles: z.strictObject({
      protagonist: profile(protagonist?.name),
      supportingCharacter: supporting.every((c) => c.name)
        ? z.tuple(supporting.map((c) => profile(c.name)) as unknown as [z.ZodType, ...z.ZodType[]])
        : z.array(ProfileSchema).length(supporting.length),
    }),
    analysis: Text,
  }) as unknown as z.ZodType<Scene>;
}

export function sceneFormat(scenario: Scenario): ReplyFormat<Scene> {
  const supporting = scenario.characters.filter((c) => c.role === 'supporting').length;
  return {
    name: 'scene',
    schema: sceneSchemaFor(scenario),
    check: (scene) => {
      const errors: string[] = [];
      const profiles = [
        scene.charactersProfiles.protagonist,
        ...scene.charactersProfiles.supportingCharacter,
      ];
      if (profiles.length !== supporting + 1)
        errors.push(
          `charactersProfiles.supportingCharacter: needs exactly ${supporting} character(s), got ${profiles.length - 1}`,
        );
      const names = profiles.map((p) => p.name.trim().toLowerCase());
      if (new Set(names).size !== names.length)
        errors.push('charactersProfiles: every character needs a different name');
      for (const p of profiles)
        if (!scene.analysis.includes(p.name))
          errors.push(`analysis: "Expected Character Tendencies" has no line for ${p.name}`);
      return errors;
    },
  };
}

/** Names the cast in scenario order (protagonist, then supporting) and adds the scene fields. */
export function applyScene(scenario: Scenario, scene: Scene): Scenario {
  const names = [
    scene.charactersProfiles.protagonist.name,
    ...scene.charactersProfiles.supportingCharacter.map((p) => p.name),
  ];
  let supporting = 0;
  const characters = scenario.characters.map((c) => ({
    ...c,
    name: (c.role === 'protagonist' ? names[0] : names[++supporting]) ?? c.name,
  }));
  return { ...scenario, characters, ...scene };
}

export async function synthesizeScene(
  scenario: Scenario,
  ctx: PromptContext,
  client: LlmClient,
): Promise<CallResult<Scene>> {
  return client.call({
    messages: sceneMessages(scenario, ctx),
    format: sceneFormat(scenario),
    maxTokens: SCENE_MAX_TOKENS,
    label: `scene ${scenario.id}`,
  });
}
