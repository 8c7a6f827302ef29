/**
 * The judge: one character's behaviour in a conversation, scored item by item, +1 shown, 0 not
 * shown, −1 contradicted, each with a span quoted from the conversation. A quote that is not in the
 * conversation fails validation, so a judge cannot invent its evidence. The prompt and schema are
 * ours: the paper's judge prompt is not released.
 */
import { z } from 'zod';
import { InvalidInputError, MOTIFS, ProvenanceSchema, type Scenario, TurnSchema } from '../model/index.js';
import type { ChecklistRecord, CheckItem } from './checklist.js';
import { CheckItemSchema } from './checklist.js';
import type { CallResult, LlmClient, ReplyFormat } from './client.js';
import type { Turn } from './conversation.js';
import { provenanceOf } from './provenance.js';

export const JudgeReplySchema = z.strictObject({
  scores: z.array(
    z.strictObject({
      id: z.string(),
      score: z.union([z.literal(1), z.literal(0), z.literal(-1)]),
      evidence: z.string(),
    }),
  ),
});
export type JudgeReply = z.infer<typeof JudgeReplySchema>;

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
});
export type Judgement = z.infer<typeof JudgementSchema>;

export const JUDGE_SYSTEM = [
  'You are a strict judge of psychological realism in role-play. For the TARGET character only,',
  'score every checklist item against the conversation:',
  '+1 the behaviour is clearly shown; 0 it is not shown; -1 the character does the opposite.',
  'Judge accuracy, not likeability: an unpleasant behaviour that is portrayed faithfully scores +1.',
  'evidence: a short span copied verbatim from the conversation (for 0 it may be empty).',
  'Return one score for every item id, and no others.',
].join('\n');

const normalise = (s: string) =>
  s.replace(/[“”]/g, '"').replace(/[‘’]/g, "'").replace(/\s+/g, ' ').trim().toLowerCase();

export function transcript(turns: readonly Turn[]): string {
  return turns.map((t) => `${t.char}: ${t.content}`).join('\n');
}

export function judgeFormat(items: readonly CheckItem[], text: string): ReplyFormat<JudgeReply> {
  const ids = new Set(items.map((i) => i.id));
  const haystack = normalise(text);
  return {
    name: 'judgement',
    schema: JudgeReplySchema,
    check: (reply) => {
      const errors: string[] = [];
      const seen = new Set<string>();
      for (const s of reply.scores) {
        if (!ids.has(s.id)) errors.push(`scores: unknown item id "${s.id}"`);
        if (seen.has(s.id)) errors.push(`scores: item "${s.id}" scored twice`);
        seen.add(s.id);
        const quote = normalise(s.evidence).replace(/^"|"$/g, '');
        if (s.score !== 0 && (!quote || !haystack.includes(quote)))
          errors.push(`scores: evidence for "${s.id}" is not quoted verbatim from the conversation`);
      }
      const missing = [...ids].filter((id) => !seen.has(id));
      if (missing.length) errors.push(`scores: no score for ${missing.join(', ')}`);
      return errors;
    },
  };
}

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
  ].join('\n\n');
  const calls: CallResult<JudgeReply>[] = [];
  const runs: ScoredItem[][] = [];
  for (let run = 0; run < target.runs; run++) {
    const call = await client.call({
      messages: [
        { role: 'system', content: JUDGE_SYSTEM },
        { role: 'user', content: user },
      ],
      format: judgeFormat(items, text),
      maxTokens: 4000,
      variant: run,
      ...(target.judgeModel ? { model: target.judgeModel } : {}),
      label: `judge ${target.scenario.id} ${target.character} run ${run + 1}`,
    });
    const byId = new Map(call.value.scores.map((s) => [s.id, s]));
    runs.push(items.map((i) => ({ ...i, score: byId.get(i.id)!.score, evidence: byId.get(i.id)!.evidence })));
    calls.push(call);
  }
  const judgement: Judgement = {
    id: target.id ?? `${target.scenario.id}:${target.character}`,
    scenarioId: target.scenario.id,
    motif: target.scenario.motif,
    model: target.model,
    judgeModel: target.judgeModel ?? client.model,
    character: target.character,
    runs,
    provenance: provenanceOf(calls, target.judgeModel ?? client.model),
  };
  return { judgement, calls };
}
