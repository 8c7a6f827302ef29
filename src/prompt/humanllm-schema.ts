/**
 * The HumanLLM release's file shapes, as zod schemas. Tolerant where
 * the release varies (pattern as a string or a list, checklists as numbered strings, Markdown or
 * keyed aboutOthers, optional variation fields) and strict about types and required fields.
 */
import { z } from 'zod';

const Text = z.string().trim().min(1, 'must not be empty');

export const ProfileSchema = z.looseObject({
  name: Text,
  aboutSelf: z.string().optional(),
  /** Markdown in the release ("* **Owen**: …"); a name → text map is accepted too. */
  aboutOthers: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
});
export type Profile = z.infer<typeof ProfileSchema>;

export const CharactersProfilesSchema = z.looseObject({
  protagonist: ProfileSchema,
  supportingCharacter: z.array(ProfileSchema).optional(),
});
export type CharactersProfiles = z.infer<typeof CharactersProfilesSchema>;

/** A checklist: a list of items ("1. …" or plain), or one string of "1. …; 2. …". */
const ChecklistItems = z.union([z.array(z.string()), z.string()]);

export const HumanllmSampleSchema = z.looseObject({
  pattern: z.union([Text, z.array(Text).min(1, 'needs at least one pattern')]),
  situation: Text,
  analysis: z.string().optional(),
  scenario: z
    .looseObject({
      storyBackground: z.string().optional(),
      charactersProfiles: CharactersProfilesSchema.optional(),
    })
    .optional(),
  protagonist: Text,
  supporting_characters: z.array(Text).optional(),
  char2pattern: z.record(z.string(), z.union([Text, z.array(Text)])).optional(),
  conversation: z.array(z.strictObject({ char: Text, content: z.string() })).optional(),
  conversation_checklist: z.record(z.string(), ChecklistItems).optional(),
  // Variation fields: optional, and their types are unverified in the release, so any value passes.
  factor_analysis: z.unknown().optional(),
  new_factor_settings: z.unknown().optional(),
  scenario_variation: z.unknown().optional(),
  analysis_variation: z.unknown().optional(),
  supporting_characters_variation: z.unknown().optional(),
  conversation_checklist_variation: z.unknown().optional(),
});
export type HumanllmSample = z.infer<typeof HumanllmSampleSchema>;

/** patterns_data.json: an object keyed by lowercase pattern name. */
export const HumanllmPatternEntrySchema = z.looseObject({
  construct_name: Text.optional(),
  description: Text,
  core_mechanisms: z.string().optional(),
  real_world_manifestation: z.string().optional(),
  source: z.array(z.string()).optional(),
});
export const HumanllmPatternsDataSchema = z.record(z.string(), HumanllmPatternEntrySchema);

/** pattern_level_checklist.json: entries as an array, or an object keyed by name. */
export const HumanllmChecklistEntrySchema = z.looseObject({
  trait: Text,
  checklist: z
    .array(z.union([z.string(), z.looseObject({ question: Text, evidence_status: z.string().optional() })]))
    .min(1, 'needs at least one item'),
  case_review: z.string().optional(),
  notes: z.string().optional(),
});
export type HumanllmChecklistEntry = z.infer<typeof HumanllmChecklistEntrySchema>;

/** Reads the profiles a scenario keeps, or undefined when it has none in this shape. */
export function readProfiles(value: unknown): CharactersProfiles | undefined {
  const parsed = CharactersProfilesSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function profileOf(profiles: CharactersProfiles | undefined, name: string): Profile | undefined {
  if (!profiles) return undefined;
  return [profiles.protagonist, ...(profiles.supportingCharacter ?? [])].find((p) => p.name === name);
}

/** aboutOthers as Markdown text, whichever shape it came in. */
export function aboutOthersText(value: Profile['aboutOthers']): string | undefined {
  if (value === undefined || typeof value === 'string') return value?.trim() || undefined;
  const lines = Object.entries(value).map(([name, text]) => `* **${name}**: ${text}`);
  return lines.length ? lines.join('\n') : undefined;
}
