import { z } from 'zod';
import { IdSchema } from './pattern.js';

export const EVIDENCE_STATUSES = ['established', 'supported', 'theoretical'] as const;
export const PROVENANCES = ['curated', 'imported', 'inferred'] as const;
export const EFFECTS = ['amplifies', 'suppresses', 'redirects'] as const;

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

export const ReinforcesSchema = z.strictObject({ ...relationFields, type: z.literal('REINFORCES') });
export const ConflictsSchema = z.strictObject({ ...relationFields, type: z.literal('CONFLICTS') });
export const ExcludesSchema = z.strictObject({ ...relationFields, type: z.literal('EXCLUDES') });
export const ModulatesSchema = z.strictObject({
  ...relationFields,
  type: z.literal('MODULATES'),
  condition: Text,
  effect: z.enum(EFFECTS),
});

export const RelationSchema = z.discriminatedUnion('type', [
  ReinforcesSchema,
  ConflictsSchema,
  ModulatesSchema,
  ExcludesSchema,
]);
export type Relation = z.infer<typeof RelationSchema>;
export type ModulatesRelation = z.infer<typeof ModulatesSchema>;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];
