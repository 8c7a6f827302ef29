/** Request and response shapes of the LLM routes (one scenario per request). */
import { z } from 'zod';
import { ChecklistRecordSchema, JudgementSchema } from '../llm/index.js';
import { ScenarioSchema, field, fieldText } from '../model/index.js';
import { LLM } from './limits.js';
import { complain } from './parse.js';
import { type Alternatives, alternatives, named } from './registry.js';
import { Scenario } from './responses.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const source = {
  scenario: ScenarioSchema.optional().describe('a scenario object'),
  scenarioId: z.string().min(1).optional().describe('a saved scenario'),
};
const character = z
  .union([z.string().min(1), int(0, 100)])
  .describe('a character by name or index (0 = protagonist)');
const runs = int(LLM.runs.min, LLM.runs.max).describe(
  `judge runs, for mean ± SD (${LLM.runs.min}-${LLM.runs.max}, default ${LLM.runs.default})`,
);

/** Exactly one of scenario and scenarioId. */
function oneSource<T extends { scenario?: unknown; scenarioId?: unknown }>(
  body: T,
  ctx: z.RefinementCtx,
): void {
  if ((body.scenario === undefined) === (body.scenarioId === undefined))
    complain(
      ctx,
      ['scenario'],
      fieldText`give exactly one of ${field('scenario')} or ${field('scenarioId')}`,
    );
}

/** The same rule, for the document. */
const ONE_SOURCE: Alternatives = {
  oneOf: [
    { required: ['scenario'], forbid: ['scenarioId'] },
    { required: ['scenarioId'], forbid: ['scenario'] },
  ],
};

export type ScenarioSource = { scenario?: z.output<typeof ScenarioSchema>; scenarioId?: string };

export const SynthRequestSchema = named(
  'SynthRequest',
  alternatives(
    z
      .strictObject({
        ...source,
        regenerate: int(LLM.regenerate.min, LLM.regenerate.max)
          .optional()
          .describe(`rewrites of a conversation that fails its checks (default ${LLM.regenerate.default})`),
        save: z
          .boolean()
          .optional()
          .describe('store the result in the library, replacing a saved scenario with the same id'),
      })
      .superRefine(oneSource),
    ONE_SOURCE,
  ),
);

export const ChecklistRequestSchema = named(
  'ChecklistRequest',
  alternatives(
    z
      .strictObject({
        ...source,
        refine: z
          .boolean()
          .optional()
          .describe('let the model reword the scenario-level items (costs a call)'),
      })
      .superRefine(oneSource),
    ONE_SOURCE,
  ),
);

export const JudgeRequestSchema = named(
  'JudgeRequest',
  alternatives(
    z
      .strictObject({
        ...source,
        character: character.optional().describe('judge only this character (default: every character)'),
        runs: runs.optional(),
      })
      .superRefine(oneSource),
    ONE_SOURCE,
  ),
);

export const EvaluateRequestSchema = named(
  'EvaluateRequest',
  alternatives(
    z
      .strictObject({
        ...source,
        character: character
          .optional()
          .describe('the character the model plays (default 0, the protagonist)'),
        runs: runs.optional(),
      })
      .superRefine(oneSource),
    ONE_SOURCE,
  ),
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
