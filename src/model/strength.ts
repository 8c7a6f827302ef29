/**
 * The strength rubric: a causal edge's strength follows from three judgements about it and from
 * its evidence, so the walk (which weights each step by strength) prefers edges for reasons the
 * rubric names. Written out in seed/AUTHORING.md with anchored examples.
 */
import { z } from 'zod';
import type { EvidenceStatus } from './relation.js';

export const SITUATION_REACH = ['most', 'typical', 'trigger'] as const;
export const PEOPLE_REACH = ['most', 'many', 'some'] as const;

export const StrengthBasisSchema = z.strictObject({
  /** The push is written into how one of the two patterns is defined. */
  definitional: z.boolean(),
  /** Where both are active: shows in most situations, in the typical ones, or only on a trigger. */
  situations: z.enum(SITUATION_REACH),
  /** Among people who carry both: most, many, or some. */
  people: z.enum(PEOPLE_REACH),
});
export type StrengthBasis = z.infer<typeof StrengthBasisSchema>;

const SITUATION_WEIGHT = { most: 0.2, typical: 0.1, trigger: 0 } as const;
const PEOPLE_WEIGHT = { most: 0.15, many: 0.05, some: 0 } as const;

/**
 * 0.2, plus 0.30 if definitional, 0.15 if a named study of the pair establishes it, and by reach
 * across situations (+0.20 most, +0.10 typical) and people (+0.15 most, +0.05 many); in steps of
 * 0.05, at most 0.95. A speculative, triggered link is 0.2; an untested link that shows in typical
 * situations for many people 0.35; a definitional, established, general one 0.95.
 */
export function rubricStrength(basis: StrengthBasis, status: EvidenceStatus): number {
  const raw =
    0.2 +
    (basis.definitional ? 0.3 : 0) +
    (status === 'established' ? 0.15 : 0) +
    SITUATION_WEIGHT[basis.situations] +
    PEOPLE_WEIGHT[basis.people];
  return Math.min(0.95, Math.round(raw * 20) / 20);
}
