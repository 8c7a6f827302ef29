import { z } from 'zod';
import { IdSchema } from './pattern.js';

export const SITUATION_FAMILIES = ['diamonds', 'life-domain'] as const;

export const SituationSchema = z.strictObject({
  id: IdSchema,
  name: z.string().trim().min(1),
  family: z.enum(SITUATION_FAMILIES),
  definition: z.string().trim().min(1),
});
export type Situation = z.infer<typeof SituationSchema>;
