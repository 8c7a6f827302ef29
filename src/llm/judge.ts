/**
 * The judge: one character's behaviour in a conversation, scored item by item, +1 shown, 0 not
 * shown, −1 contradicted, each with a span quoted from the conversation. A quote that is not in the
 * conversation fails validation, so a judge cannot invent its evidence. The prompt and schema are
 * ours: the paper's judge prompt is not released.
 */
import { z } from 'zod';
import {
  InvalidInputError,
  MOTIFS,
  ProvenanceSchema,
  type Scenario,
  TurnSchema,
  canonicalJson,
  sha256,
} from '../model/index.js';
import { BatchPending } from './batch-collector.js';
import type { ChecklistRecord, CheckItem } from './checklist.js';
import { CheckItemSchema } from './checklist.js';
import { type CallResult, type LlmClient, type ReplyFormat, jsonSchemaOf } from './client.js';
import type { Turn } from './conversation.js';
import { provenanceOf } from './provenance.js';

const ScoreSchema = z.union([z.literal(1), z.literal(0), z.literal(-1)]);
/** Evidence is a short quote; the length bound also keeps a small model from rambling to the token limit. */
export const EVIDENCE_MAX_CHARS = 300;
const ItemScoreSchema = z.strictObject({ score: ScoreSchema, evidence: z.string().max(EVIDENCE_MAX_CHARS) });

/**
 * A judge reply: `scores` is an object keyed by item id. Each request builds its own schema from
 * its items (judgeReplySchema), whose required keys are exactly those ids with no others allowed,
 * so a server with JSON-schema constrained decoding cannot leave an item out or invent one.
 */
export const JudgeReplySchema = z.strictObject({ scores: z.record(z.string(), ItemScoreSchema) });
export type JudgeReply = z.infer<typeof JudgeReplySchema>;

/** The reply schema for these item ids: every id a required key, nothing else allowed. */
export function judgeReplySchema(ids: readonly string[]): z.ZodType<JudgeReply> {
  return z.strictObject({
    scores: z.strictObject(Object.fromEntries(ids.map((id) => [id, ItemScoreSchema]))),
  }) as unknown as z.ZodType<JudgeReply>;
}

/**
 * The judge's configuration, recorded on every judgement so that two judgements can be compared
 * (or not): the judge model, a hash of its instructions (the system prompt), a hash of the reply
 * schema's shape (item ids replaced by one placeholder, so it does not vary with the checklist),
 * the sampling temperature (null: the server's default), runs and the reply token limit.
 */
export const JudgeConfigSchema = z.strictObject({
  model: z.string(),
  promptHash: z.string(),
  schemaHash: z.string(),
  temperature: z.number().nullable(),
  runs: z.number().int().positive(),
  maxTokens: z.number().int().positive(),
});
export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;

/** What a judgement cost: USD at the price table's rates, tokens over all its calls, cache hits. */
export const JudgeCostSchema = z.strictObject({
  usd: z.number().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  calls: z.number().int().nonnegative(),
  cacheHits: z.number().int().nonnegative(),
});
export type JudgeCost = z.infer<typeof JudgeCostSchema>;

export const JUDGE_MAX_TOKENS = 4000;

export const ScoredItemSchema = CheckItemSchema.extend({
  score: z.union([z.literal(1), z.literal(0), z.literal(-1)]),
  evidence: z.string(),
});
export type ScoredItem = z.infer<typeof ScoredItemSchema>;

/** One judged sample: a character in a scenario, over k judge runs. */
export const JudgementSchema = z.strictObject({
  id: z.string().min(1),
  scenarioId: z.string().min(1),
  motif: z.enum(MOTIFS).nullable(),
  /** Whose turns were judged: the synthesis model, or the evaluated target model. */
  model: z.string(),
  judgeModel: z.string(),
  character: z.string(),
  runs: z.array(z.array(ScoredItemSchema)),
  /** evaluate: the conversation with the target's generated turns. */
  turns: z.array(TurnSchema).optional(),
  provenance: ProvenanceSchema.optional(),
  /** Written since judge configurations are recorded; older files lack it. */
  judgeConfig: JudgeConfigSchema.optional(),
  cost: JudgeCostSchema.optional(),
});
export type Judgement = z.infer<typeof JudgementSchema>;

export const JUDGE_SYSTEM = [
  'You are a strict judge of psychological realism in role-play. For the TARGET character only,',
  'score every checklist item against the conversation:',
  '+1 the behaviour is clearly shown; 0 it is not shown; -1 the character does the opposite.',
  'Judge accuracy, not likeability: an unpleasant behaviour that is portrayed faithfully scores +1.',
  'evidence: a short span copied verbatim from the conversation, at most 300 characters (for 0 it may be empty).',
  'Return one score for every item id, and no others.',
].join('\n');

const normalise = (s: string) =>
  s.replace(/[“”]/g, '"').replace(/[‘’]/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();

export function transcript(turns: readonly Turn[]): string {
  return turns.map((t) => `${t.char}: ${t.content}`).join('\n');
}

export function judgeFormat(items: readonly CheckItem[], text: string): ReplyFormat<JudgeReply> {
  const ids = items.map((i) => i.id);
  const haystack = normalise(text);
  return {
    name: 'judgement',
    schema: judgeReplySchema(ids),
    check: (reply) => {
      const errors: string[] = [];
      for (const [id, s] of Object.entries(reply.scores)) {
        const quote = normalise(s.evidence).replace(/^"|"$/g, '');
        if (s.score !== 0 && (!quote || !haystack.includes(quote)))
          errors.push(`scores.${id}: evidence is not quoted verbatim from the conversation`);
      }
      return errors;
    },
  };
}

/** The hash of the judge's instructions and of its reply schema's shape (see JudgeConfigSchema). */
export const JUDGE_PROMPT_HASH = sha256(JUDGE_SYSTEM).slice(0, 16);
export const JUDGE_SCHEMA_HASH = sha256(canonicalJson(jsonSchemaOf(judgeReplySchema(['<item id>'])))).slice(
  0,
  16,
);

export interface JudgeTarget {
  scenario: Scenario;
  turns: readonly Turn[];
  character: string;
  checklist: ChecklistRecord;
  /** Whose turns are judged, recorded on the judgement. */
  model: string;
  runs: number;
  judgeModel?: string;
  id?: string;
  /** Sampling temperature for the judge calls (default: the server's). */
  temperature?: number;
  /** Reply token limit per judge call (default JUDGE_MAX_TOKENS). */
  maxTokens?: number;
}

/** k judge runs of one character; each run is its own cached call. */
export async function judgeCharacter(
  target: JudgeTarget,
  client: LlmClient,
): Promise<{ judgement: Judgement; calls: CallResult<JudgeReply>[] }> {
  const items = target.checklist.items.filter((i) => i.character === target.character);
  if (!items.length) {
    throw new InvalidInputError(
      `character: ${target.character} carries none of the scenario's patterns, so there is nothing to judge`,
    );
  }
  const text = transcript(target.turns);
  const user = [
    `Scene: ${target.scenario.storyBackground ?? ''}`,
    `TARGET character: ${target.character}`,
    `Conversation:\n${text}`,
    `Checklist for ${target.character}:\n${items.map((i) => `- [${i.id}] ${i.text}`).join('\n')}`,
    `Reply with "scores": an object with one key per item id above (${items.length} in all).`,
  ].join('\n\n');
  const maxTokens = target.maxTokens ?? client.options.maxTokens ?? JUDGE_MAX_TOKENS;
  const ask = (run: number) =>
    client.call({
      messages: [
        { role: 'system', content: JUDGE_SYSTEM },
        { role: 'user', content: user },
      ],
      format: judgeFormat(items, text),
      maxTokens,
      variant: run,
      ...(target.temperature !== undefined ? { temperature: target.temperature } : {}),
      ...(target.judgeModel ? { model: target.judgeModel } : {}),
      label: `judge ${target.scenario.id} ${target.character} run ${run + 1}`,
    });
  const calls = client.options.batch ? await allRuns(target.runs, ask) : [];
  if (!client.options.batch) for (let run = 0; run < target.runs; run++) calls.push(await ask(run));
  const runs: ScoredItem[][] = calls.map(({ value: { scores } }) =>
    items.map((i) => ({ ...i, score: scores[i.id]!.score, evidence: scores[i.id]!.evidence })),
  );
  const judgement: Judgement = {
    id: target.id ?? `${target.scenario.id}:${target.character}`,
    scenarioId: target.scenario.id,
    motif: target.scenario.motif,
    model: target.model,
    judgeModel: target.judgeModel ?? client.model,
    character: target.character,
    runs,
    provenance: provenanceOf(calls, target.judgeModel ?? client.model),
    judgeConfig: {
      model: target.judgeModel ?? client.model,
      promptHash: JUDGE_PROMPT_HASH,
      schemaHash: JUDGE_SCHEMA_HASH,
      temperature: target.temperature ?? null,
      runs: target.runs,
      maxTokens,
    },
    cost: costOfCalls(calls),
  };
  return { judgement, calls };
}

/**
 * Batch mode: the k runs are asked at once, so that their requests go into the same batch round;
 * every call settles before the item is put off or fails (a real error over a pending one).
 */
async function allRuns<R>(runs: number, ask: (run: number) => Promise<R>): Promise<R[]> {
  const settled = await Promise.allSettled(Array.from({ length: runs }, (_, run) => ask(run)));
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (errors.length) throw errors.find((e) => !(e instanceof BatchPending)) ?? errors[0];
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}

export function costOfCalls(calls: readonly CallResult<unknown>[]): JudgeCost {
  return {
    usd: calls.reduce((n, c) => n + c.cost, 0),
    promptTokens: calls.reduce((n, c) => n + c.usage.promptTokens, 0),
    completionTokens: calls.reduce((n, c) => n + c.usage.completionTokens, 0),
    calls: calls.length,
    cacheHits: calls.filter((c) => c.cached).length,
  };
}
