import { z } from 'zod';
import { IdSchema } from './pattern.js';
import { StrengthBasisSchema } from './strength.js';

export const EVIDENCE_STATUSES = ['established', 'supported', 'theoretical'] as const;
export const PROVENANCES = ['curated', 'imported', 'inferred'] as const;
export const EFFECTS = ['amplifies', 'suppresses', 'redirects'] as const;
import { SCOPES, type Scope } from './vocabulary.js';
export { SCOPES, type Scope } from './vocabulary.js';
/**
 * How two near-twins relate (VARIANT_OF): `twin` — one construct under two names or at two levels
 * (symmetric); `kind-of` — the source is a special case of the target; `part-of` — the source is
 * a constituent of the target.
 */
export const VARIANT_LINKS = ['twin', 'kind-of', 'part-of'] as const;
export type VariantLink = (typeof VARIANT_LINKS)[number];

const Text = z.string().trim().min(1, 'must not be empty');

export const EvidenceSchema = z.strictObject({
  status: z.enum(EVIDENCE_STATUSES),
  sources: z.array(Text),
});

const relationFields = {
  id: z.string().min(1),
  source: IdSchema,
  target: IdSchema,
  strength: z.number().min(0).max(1),
  rationale: Text,
  evidence: EvidenceSchema,
  provenance: z.enum(PROVENANCES),
};

const causalFields = {
  ...relationFields,
  scope: z.enum(SCOPES),
  /** The rubric judgements the strength follows from (see rubricStrength); the shipped graph has them all. */
  strengthBasis: StrengthBasisSchema.optional(),
};

export const ReinforcesSchema = z.strictObject({ ...causalFields, type: z.literal('REINFORCES') });
export const ConflictsSchema = z.strictObject({ ...causalFields, type: z.literal('CONFLICTS') });
export const ExcludesSchema = z.strictObject({ ...relationFields, type: z.literal('EXCLUDES') });
export const ModulatesSchema = z.strictObject({
  ...causalFields,
  type: z.literal('MODULATES'),
  condition: Text,
  effect: z.enum(EFFECTS),
});
export const VariantOfSchema = z.strictObject({
  ...relationFields,
  type: z.literal('VARIANT_OF'),
  link: z.enum(VARIANT_LINKS),
});

export const RelationSchema = z.discriminatedUnion('type', [
  ReinforcesSchema,
  ConflictsSchema,
  ModulatesSchema,
  ExcludesSchema,
  VariantOfSchema,
]);
export type Relation = z.infer<typeof RelationSchema>;
export type CausalRelation = Extract<Relation, { type: 'REINFORCES' | 'CONFLICTS' | 'MODULATES' }>;

/** Who a relation acts within: a causal edge's scope; undefined for EXCLUDES and VARIANT_OF. */
export function scopeOf(r: Relation): Scope | undefined {
  return 'scope' in r ? r.scope : undefined;
}
export type ModulatesRelation = z.infer<typeof ModulatesSchema>;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];
