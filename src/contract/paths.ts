/**
 * The paths use case: `psygraph paths` and GET /api/paths. How one pattern reaches another: the k
 * best simple paths (src/analysis/paths.ts holds the search and the sign rules).
 */
import { z } from 'zod';
import {
  DEFAULT_PATH_K,
  DEFAULT_PATH_LENGTH,
  MAX_PATH_K,
  MAX_PATH_LENGTH,
  type PathsResult,
  findPaths,
} from '../analysis/paths.js';
import { EFFECTS, IdSchema, RELATION_TYPES, SCOPES } from '../model/index.js';
import type { GraphStore } from '../store/graph-store.js';
import { named } from './registry.js';
import { relationTypeList } from './requests.js';

const Sign = z.enum(['+', '-', '~']);

export const PathsQuery = z.strictObject({
  from: IdSchema.describe('the pattern the paths start from'),
  to: IdSchema.describe(
    'the pattern the paths end at (another than from: the same id at both ends is a 400)',
  ),
  k: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PATH_K)
    .optional()
    .describe(`how many paths (1-${MAX_PATH_K}, default ${DEFAULT_PATH_K})`),
  types: relationTypeList
    .optional()
    .describe(`comma-separated relation types to follow (default REINFORCES,CONFLICTS,MODULATES)`),
  maxLength: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PATH_LENGTH)
    .optional()
    .describe(`at most this many steps (1-${MAX_PATH_LENGTH}, default ${DEFAULT_PATH_LENGTH})`),
});

export const PathStepSchema = named(
  'PathStep',
  z.strictObject({
    relation: z.string().describe('the relation id'),
    type: z.enum(RELATION_TYPES),
    from: z.string(),
    to: z.string(),
    forward: z
      .boolean()
      .describe('false when a symmetric or VARIANT_OF relation is followed against its stored direction'),
    strength: z.number(),
    sign: Sign.describe(
      '+ REINFORCES, VARIANT_OF, MODULATES amplifies; - CONFLICTS, EXCLUDES, suppresses; ~ redirects',
    ),
    rationale: z.string(),
    scope: z.enum(SCOPES).optional(),
    effect: z.enum(EFFECTS).optional(),
    condition: z.string().optional(),
  }),
);

export const PatternPathSchema = named(
  'PatternPath',
  z.strictObject({
    patterns: z.array(z.string()).describe('the patterns in order, from the start to the end'),
    steps: z.array(PathStepSchema),
    strength: z.number().describe("the product of the steps' strengths"),
    sign: Sign.describe("the product of the steps' signs; any ~ step makes the chain ~"),
    reading: z.string().describe('e.g. "A works against B through C"'),
  }),
);

export const PathsResultSchema = named(
  'PathsResult',
  z.strictObject({
    from: z.string(),
    to: z.string(),
    k: z.number().int(),
    types: z.array(z.enum(RELATION_TYPES)),
    maxLength: z.number().int(),
    paths: z.array(PatternPathSchema).describe('fewest steps first, then strongest'),
    message: z.string().optional().describe('set when no path was found'),
  }),
);

export type PathsInput = z.output<typeof PathsQuery>;

/** The k best paths for a parsed request, on a snapshot of the store's graph. */
export async function runPaths(store: GraphStore, input: PathsInput): Promise<PathsResult> {
  return findPaths(await store.snapshot(), input.from, input.to, {
    ...(input.k !== undefined ? { k: input.k } : {}),
    ...(input.types ? { types: input.types } : {}),
    ...(input.maxLength !== undefined ? { maxLength: input.maxLength } : {}),
  });
}
