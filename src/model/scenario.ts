import { z } from 'zod';
import { IdSchema } from './pattern.js';

import { MOTIFS, STRATEGIES } from './vocabulary.js';
export { MOTIFS, type Motif, STRATEGIES, type Strategy } from './vocabulary.js';

export const CharacterSchema = z.strictObject({
  role: z.enum(['protagonist', 'supporting']),
  /**
   * The sampled patterns this character carries. The sampler gives the protagonist at least one;
   * a supporting character may carry none (a scene partner) when the edges' scopes keep every
   * pattern with the protagonist.
   */
  patterns: z.array(IdSchema),
  /** Given by synthesis; drafts have none. */
  name: z.string().min(1).optional(),
});
export type Character = z.infer<typeof CharacterSchema>;

export const TurnSchema = z.strictObject({
  char: z.string().min(1),
  content: z.string(),
});

export const ProvenanceSchema = z.strictObject({
  model: z.string(),
  promptHash: z.string(),
  usage: z
    .strictObject({
      promptTokens: z.number().int().nonnegative(),
      completionTokens: z.number().int().nonnegative(),
    })
    .optional(),
  createdAt: z.string().optional(),
});

export const ScenarioSchema = z.strictObject({
  id: z.string().min(1),
  patterns: z.array(IdSchema).min(1),
  relations: z.array(z.string()),
  motif: z.enum(MOTIFS).nullable(),
  situation: IdSchema,
  characters: z.array(CharacterSchema).min(1),
  strategy: z.enum(STRATEGIES),
  seed: z.number().int(),
  graphHash: z.string(),
  // Fields added by synthesis, in the HumanLLM sample shape (storyBackground, profiles, analysis, turns).
  storyBackground: z.string().optional(),
  charactersProfiles: z.unknown().optional(),
  analysis: z.string().optional(),
  conversation: z.array(TurnSchema).optional(),
  conversation_checklist: z.record(z.string(), z.array(z.string())).optional(),
  provenance: ProvenanceSchema.optional(),
});
export type Scenario = z.infer<typeof ScenarioSchema>;
