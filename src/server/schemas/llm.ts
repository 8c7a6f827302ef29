/** Request and response shapes of the LLM routes (one scenario per request). */
import { z } from 'zod';
import { ChecklistRecordSchema, JudgementSchema } from '../../llm/index.js';
import { ScenarioSchema } from '../../model/index.js';
import { named } from './registry.js';
import { Scenario } from './responses.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Judge runs a single request may ask for; the CLI allows more for offline batches. */
export const MAX_API_JUDGE_RUNS = 5;

const source = {
  scenario: ScenarioSchema.optional().describe('a scenario object'),
  scenarioId: z.string().min(1).optional().describe('a saved scenario'),
};
const character = z
  .union([z.string().min(1), int(0, 100)])
  .describe('a character by name or index (0 = protagonist)');
const runs = int(1, MAX_API_JUDGE_RUNS).describe(
  `judge runs, for mean ± SD (1-${MAX_API_JUDGE_RUNS}, default 3)`,
);

/** Exactly one of scenario and scenarioId. */
function oneSource<T extends { scenario?: unknown; scenarioId?: unknown }>(
  body: T,
  ctx: z.RefinementCtx,
): void {
  if ((body.scenario === undefined) === (body.scenarioId === undefined))
    ctx.addIssue({
      code: 'custom',
      path: ['scenario'],
      message: 'give exactly one of scenario or scenarioId',
    });
}

export type ScenarioSource = { scenario?: z.output<typeof ScenarioSchema>; scenarioId?: string };

export const SynthRequestSchema = named(
  'SynthRequest',
  z
    .strictObject({
      ...source,
      regenerate: int(0, 5)
        .optional()
        .describe('rewrites of a conversation that fails its checks (default 2)'),
      save: z
        .boolean()
        .optional()
        .describe('store the result in the library, replacing a saved scenario with the same id'),
    })
    .superRefine(oneSource),
);

export const ChecklistRequestSchema = named(
  'ChecklistRequest',
  z
    .strictObject({
      ...source,
      refine: z.boolean().optional().describe('let the model reword the scenario-level items (costs a call)'),
    })
    .superRefine(oneSource),
);

export const JudgeRequestSchema = named(
  'JudgeRequest',
  z
    .strictObject({
      ...source,
      character: character.optional().describe('judge only this character (default: every character)'),
      runs: runs.optional(),
    })
    .superRefine(oneSource),
);

export const EvaluateRequestSchema = named(
  'EvaluateRequest',
  z
    .strictObject({
      ...source,
      character: character.optional().describe('the character the model plays (default 0, the protagonist)'),
      runs: runs.optional(),
    })
    .superRefine(oneSource),
);

export const LlmStatusSchema = named(
  'LlmStatus',
  z.strictObject({
    configured: z.boolean().describe('false: the server was started without a model'),
    model: z.string().nullable().describe('writes scenes and conversations; role-plays in evaluate'),
    judgeModel: z.string().nullable(),
    maxCost: z.number().nullable().describe('USD this server may spend in its lifetime (null: no limit)'),
    spent: z.number().describe('USD spent since the server started'),
    calls: z.number().int().nonnegative(),
    cacheHits: z.number().int().nonnegative(),
  }),
);

export const SynthResultSchema = named(
  'SynthResult',
  z.strictObject({ scenario: Scenario, saved: z.boolean() }),
);

export const Checklist = named('Checklist', ChecklistRecordSchema);
export const Judgement = named('Judgement', JudgementSchema);

const MeanSdSchema = z.strictObject({
  mean: z.number().nullable().describe('null when no item of this kind was scored'),
  sd: z.number().nullable(),
  runs: z.number().int().nonnegative(),
  samples: z.number().int().nonnegative(),
});
const MetricsRowSchema = z.strictObject({ ipe: MeanSdSchema, mpd: MeanSdSchema });

export const MetricsSchema = named(
  'Metrics',
  MetricsRowSchema.extend({
    model: z.string(),
    byRelationType: z.record(z.string(), MeanSdSchema).describe('MPD by the relation type an item tests'),
    byMotif: z.record(z.string(), MetricsRowSchema),
  }),
  'IPE and MPD in percent (-100 to 100): mean over samples of the mean item score, × 100',
);

export const JudgeResultSchema = named(
  'JudgeResult',
  z.strictObject({ judgements: z.array(Judgement), metrics: MetricsSchema }),
);

export const EvaluateResultSchema = named(
  'EvaluateResult',
  z.strictObject({ judgement: Judgement, metrics: MetricsSchema }),
);
