/** Query, path and body shapes of the API, as zod schemas (the OpenAPI document is built from them). */
import { z } from 'zod';
import {
  CAUSAL_TYPES,
  IdSchema,
  MOTIFS,
  RELATION_TYPES,
  ScenarioSchema,
  STRATEGIES,
} from '../../model/index.js';
import { EXPORT_FORMATS } from '../../analysis/export.js';
import { CONFLICT_MODES, TWIN_MODES } from '../../sample/characters.js';
import { ENCODINGS, PROMPT_FORMATS } from '../../prompt/index.js';
import { named } from './registry.js';

/** Bounds a single request's work: sampling 1,000 scenarios takes well under a second. */
export const MAX_SAMPLE_N = 1000;
export const MAX_SEED = 2 ** 32 - 1;

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const NoInput = z.strictObject({});
export const IdParams = z.strictObject({ id: z.string().min(1).describe('the id') });

export const PatternQuery = z.strictObject({
  kind: z.enum(['trait', 'social-cognitive']).optional().describe('only patterns of this kind'),
  search: z.string().min(1).optional().describe('case-insensitive substring of the id, name or an alias'),
});

const relationTypeList = z
  .string()
  .min(1)
  .transform((s) => s.split(',').map((t) => t.trim().toUpperCase()))
  .pipe(z.array(z.enum(RELATION_TYPES)));

export const RelationQuery = z.strictObject({
  type: relationTypeList.optional().describe(`comma-separated relation types (${RELATION_TYPES.join(', ')})`),
  pattern: IdSchema.optional().describe('relations touching this pattern, either end'),
  minStrength: z.coerce.number().min(0).max(1).optional().describe('minimum strength, 0-1'),
});

export const ScenarioQuery = z.strictObject({
  pattern: IdSchema.optional().describe('scenarios containing this pattern'),
  situation: IdSchema.optional().describe('scenarios set in this situation'),
  limit: z.coerce.number().int().min(1).max(1_000_000).optional().describe('at most this many'),
});

export const ExportQuery = z.strictObject({
  format: z.enum(EXPORT_FORMATS).optional().describe('file format (default json)'),
});

function range(min: number, max: number) {
  return z
    .tuple([int(min, max), int(min, max)])
    .refine(([a, b]) => a <= b, 'must be [min, max] with min <= max');
}

export const SampleRequestSchema = named(
  'SampleRequest',
  z.strictObject({
    n: int(1, MAX_SAMPLE_N).describe(`how many scenarios (1-${MAX_SAMPLE_N})`),
    seed: int(0, MAX_SEED).optional().describe('random seed (default 1): same seed + graph = same scenarios'),
    strategy: z.enum(STRATEGIES.filter((s) => s !== 'manual')).optional(),
    size: range(2, 8).optional().describe('patterns per scenario, [min, max] (default [2, 5])'),
    types: z.array(z.enum(CAUSAL_TYPES)).min(1).optional().describe('relation types the walk follows'),
    weighted: z.boolean().optional().describe('prefer stronger edges (default true)'),
    include: z.array(IdSchema).optional().describe('patterns every scenario must contain'),
    exclude: z.array(IdSchema).optional().describe('patterns no scenario may contain'),
    minTraits: int(0, 8).optional(),
    minSocial: int(0, 8).optional(),
    require: z.array(z.enum(CAUSAL_TYPES)).optional().describe('relation types every scenario must contain'),
    situations: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('situation ids, or "diamonds", "life-domains", "all" (default the 8 DIAMONDS)'),
    crossSituations: z.boolean().optional(),
    characters: range(1, 8).optional().describe('characters per scenario, [min, max] (default [2, 2])'),
    conflicts: z
      .enum(CONFLICT_MODES)
      .optional()
      .describe('CONFLICTS edges of scope "either": inner (one character) or split (two); default any'),
    twins: z
      .enum(TWIN_MODES)
      .optional()
      .describe('near-twins (VARIANT_OF): separate characters (default), forbid in one scenario, or allow'),
    motifs: z.partialRecord(z.enum(MOTIFS), z.number().min(0)).optional().describe('motif strategy shares'),
    allowFewer: z.boolean().optional().describe('return what was found instead of failing with 422'),
    inDatabase: z
      .boolean()
      .optional()
      .describe(
        'Neo4j store only: run the walk against the database in batches instead of loading the graph (same scenarios as without; walk strategy, no include/require; 400 otherwise)',
      ),
  }),
);
export type SampleRequest = z.output<typeof SampleRequestSchema>;

export const PromptRequestSchema = named(
  'PromptRequest',
  z
    .strictObject({
      scenario: ScenarioSchema.optional().describe('a scenario object'),
      scenarioId: z.string().min(1).optional().describe('a saved scenario'),
      patterns: z.array(IdSchema).min(1).max(8).optional().describe('draft from these patterns'),
      situation: IdSchema.optional().describe("the draft's situation (with patterns)"),
      characters: int(1, 8).optional().describe('characters in the draft (default 2)'),
      seed: int(0, MAX_SEED).optional().describe("seed for the draft's cast (default 1)"),
      format: z.enum(PROMPT_FORMATS),
      budget: int(1, 10_000_000).optional().describe('token budget: pattern texts are shortened to fit'),
      encoding: z.enum(ENCODINGS).optional(),
      character: z
        .union([z.string().min(1), int(0, 100)])
        .optional()
        .describe('roleplay: the character to play, by name or index (default 0, the protagonist)'),
    })
    .superRefine((body, ctx) => {
      const sources = [body.scenario, body.scenarioId, body.patterns].filter((s) => s !== undefined);
      if (sources.length !== 1)
        ctx.addIssue({
          code: 'custom',
          path: ['scenario'],
          message: 'give exactly one of scenario, scenarioId or patterns (+ situation)',
        });
      if (body.patterns && !body.situation)
        ctx.addIssue({ code: 'custom', path: ['situation'], message: 'is required with patterns' });
      if (!body.patterns && (body.situation || body.characters || body.seed !== undefined))
        ctx.addIssue({
          code: 'custom',
          path: [body.situation ? 'situation' : body.characters ? 'characters' : 'seed'],
          message: 'applies to a draft from patterns only',
        });
      if (body.character !== undefined && body.format !== 'roleplay')
        ctx.addIssue({ code: 'custom', path: ['character'], message: 'applies to format roleplay only' });
    }),
);
export type PromptRequest = z.output<typeof PromptRequestSchema>;

export const SaveScenariosRequestSchema = named(
  'SaveScenariosRequest',
  z.strictObject({ scenarios: z.array(ScenarioSchema).max(100_000) }),
);
