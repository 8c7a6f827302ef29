/**
 * The prompt use case: `psygraph prompt` and POST /api/prompt. The scenario comes from exactly one
 * source — a scenario object, a saved scenario, or a draft from patterns (+ situation); the CLI's
 * `--scenario` takes a saved id or a file and fills `scenarioId`. One schema holds the fields,
 * limits and cross-field rules; one pair of functions drafts the scenario and compiles it.
 */
import { z } from 'zod';
import { type Catalog, IdSchema, type Scenario, ScenarioSchema, field, fieldText } from '../model/index.js';
import {
  ENCODINGS,
  PROMPT_FORMATS,
  type PromptContext,
  type PromptItem,
  draftScenario,
  renderPrompt,
} from '../prompt/index.js';
import { type Limit, PROMPT, SEED } from './limits.js';
import { complain } from './parse.js';
import { alternatives, named } from './registry.js';

const int = ({ min, max }: Limit) => z.number().int().min(min).max(max);

/** Fields that belong to a draft from patterns only. */
const DRAFT_ONLY = ['situation', 'characters', 'seed'] as const;

export const PromptRequestSchema = named(
  'PromptRequest',
  alternatives(
    z
      .strictObject({
        scenario: ScenarioSchema.optional().describe('a scenario object'),
        scenarioId: z.string().min(1).optional().describe('a saved scenario'),
        patterns: z
          .array(IdSchema)
          .min(PROMPT.patterns.min)
          .max(PROMPT.patterns.max)
          .optional()
          .describe('draft from these patterns'),
        situation: IdSchema.optional().describe("the draft's situation (with patterns)"),
        characters: int(PROMPT.characters)
          .optional()
          .describe(`characters in the draft (default ${PROMPT.characters.default})`),
        seed: int(SEED).optional().describe(`seed for the draft's cast (default ${SEED.default})`),
        format: z.enum(PROMPT_FORMATS),
        budget: int(PROMPT.budget).optional().describe('token budget: pattern texts are shortened to fit'),
        encoding: z.enum(ENCODINGS).optional(),
        character: z
          .union([z.string().min(1), int(PROMPT.character)])
          .optional()
          .describe('roleplay: the character to play, by name or index (default 0, the protagonist)'),
      })
      .superRefine((input, ctx) => {
        const sources = (['scenario', 'scenarioId', 'patterns'] as const).filter(
          (k) => input[k] !== undefined,
        );
        if (sources.length !== 1) {
          const text =
            input.scenario === undefined
              ? fieldText`give either ${field('scenarioId')} or ${field('patterns')} (not both)`
              : fieldText`give exactly one of ${field('scenario')}, ${field('scenarioId')} or ${field('patterns')} (+ ${field('situation')})`;
          complain(ctx, ['scenario'], text);
        }
        if (input.patterns && !input.situation)
          complain(
            ctx,
            ['situation'],
            fieldText`${field('situation')} is required with ${field('patterns')}`,
          );
        const misplaced = input.patterns ? undefined : DRAFT_ONLY.find((k) => input[k] !== undefined);
        if (misplaced)
          complain(
            ctx,
            [misplaced],
            fieldText`${field(misplaced)} applies to a draft from ${field('patterns')} only`,
          );
        if (input.character !== undefined && input.format !== 'roleplay')
          complain(
            ctx,
            ['character'],
            fieldText`${field('character')} applies to ${field('format')} roleplay only`,
          );
      }),
    {
      // for the document: which fields make up each source, and what each forbids
      oneOf: [
        { required: ['scenario'], forbid: ['scenarioId', 'patterns', ...DRAFT_ONLY] },
        { required: ['scenarioId'], forbid: ['scenario', 'patterns', ...DRAFT_ONLY] },
        { required: ['patterns', 'situation'], forbid: ['scenario', 'scenarioId'] },
      ],
      requires: [{ field: 'character', when: { format: 'roleplay' } }],
    },
  ),
);

export type PromptRequest = z.input<typeof PromptRequestSchema>;
export type PromptInput = z.output<typeof PromptRequestSchema>;

/** The draft a request asks for (patterns + situation), with its defaults. */
export function draftFor(catalog: Catalog, input: PromptInput): Scenario {
  return draftScenario(catalog, {
    patterns: input.patterns ?? [],
    situation: input.situation ?? '',
    seed: input.seed ?? SEED.default,
    ...(input.characters ? { characters: input.characters } : {}),
  });
}

/** Compiles each scenario in the request's format, budget and (roleplay) character. */
export function compilePrompts(
  scenarios: readonly Scenario[],
  pctx: PromptContext,
  input: PromptInput,
): PromptItem[] {
  const options = {
    ...(input.budget ? { budget: input.budget } : {}),
    ...(input.character !== undefined ? { character: input.character } : {}),
  };
  return scenarios.flatMap((s) => renderPrompt(s, pctx, input.format, options));
}
