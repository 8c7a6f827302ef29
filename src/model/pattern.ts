import { z } from 'zod';

export const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const IdSchema = z.string().regex(KEBAB_ID, 'must be a kebab-case id (a-z, 0-9, single dashes)');

import { CATEGORIES, type Category, DIMENSIONS, type Dimension } from './vocabulary.js';
export { CATEGORIES, type Category, DIMENSIONS, type Dimension } from './vocabulary.js';

/**
 * Facets: psygraph's grouping of the trait adjectives inside each Big-Five dimension. The line
 * between EXCLUDES and CONFLICTS rests on it (near antonyms on one facet cannot describe one stable
 * person; opposite poles of different facets usually can, with tension): see seed/AUTHORING.md.
 */
export const FACETS = {
  extraversion: ['sociability', 'assertiveness', 'vitality', 'adventurousness'],
  agreeableness: ['compassion', 'politeness', 'altruism', 'trust'],
  conscientiousness: ['orderliness', 'dependability', 'industriousness', 'deliberation'],
  'emotional-stability': ['calmness', 'even-temper', 'self-assurance', 'contentment'],
  openness: ['imagination', 'intellect', 'reflection', 'perceptiveness'],
} as const satisfies Record<Dimension, readonly string[]>;

const Text = z.string().trim().min(1, 'must not be empty');

export const ChecklistItemSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+-\d{2}$/, 'must be "<pattern-id>-NN"'),
  question: Text,
});
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;

export const MechanismsSchema = z.strictObject({
  cognitive: Text,
  emotional: Text,
  behavioral: Text,
});

/**
 * What a trait adjective means as a marker of its dimension and pole: its facet, the one sense it
 * carries as a personality descriptor there, and the everyday senses it does not carry.
 */
export const MarkerSchema = z.strictObject({
  facet: Text,
  sense: Text,
  notSenses: z.array(Text).min(1, 'name at least one sense the adjective does not carry'),
});
export type Marker = z.infer<typeof MarkerSchema>;

export const DistinctionSchema = z.strictObject({
  id: IdSchema,
  difference: Text,
});

const patternFields = {
  id: IdSchema,
  name: Text,
  definition: Text,
  mechanisms: MechanismsSchema,
  manifestations: z.array(Text).min(4, 'needs at least 4 manifestations'),
  checklist: z.array(ChecklistItemSchema).min(12, 'needs 12-15 items').max(15, 'needs 12-15 items'),
  aliases: z.array(Text).optional(),
  references: z.array(Text).optional(),
  /** Near-twins of this pattern and how a judge tells them apart (psygraph's addition to the contract). */
  distinctFrom: z.array(DistinctionSchema).optional(),
};

export const TraitSchema = z.strictObject({
  ...patternFields,
  kind: z.literal('trait'),
  dimension: z.enum(DIMENSIONS),
  pole: z.enum(['+', '-']),
  /** Optional in the contract (a user's own catalog may omit it); the shipped seed anchors every trait. */
  marker: MarkerSchema.optional(),
});

export const SocialCognitiveSchema = z.strictObject({
  ...patternFields,
  kind: z.literal('social-cognitive'),
  category: z.enum(CATEGORIES),
});

export const PatternSchema = z.discriminatedUnion('kind', [TraitSchema, SocialCognitiveSchema]);
export type Trait = z.infer<typeof TraitSchema>;
export type SocialCognitivePattern = z.infer<typeof SocialCognitiveSchema>;
export type Pattern = z.infer<typeof PatternSchema>;
export type PatternKind = Pattern['kind'];

/** The family a pattern belongs to: its Big-Five dimension, or its social-cognitive category. */
export function patternFamily(p: Pattern): Dimension | Category {
  return p.kind === 'trait' ? p.dimension : p.category;
}
