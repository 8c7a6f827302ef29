/**
 * Judge bias probes: the same judge scores a conversation and a variant of it that a faithful judge
 * should score the same (or, for the desirability swap, lower), and the report gives each probe's
 * mean score shift, variant − original, with a bootstrap 95% interval.
 *
 *   order         the character's checklist items in a seeded shuffled order; nothing else changes
 *   padding       every turn gets two neutral sentences appended (PAD_LINES, in a fixed rotation):
 *                 more text, no behaviour; the speakers, turns and checklist are unchanged
 *   desirability  one LLM call rewrites the conversation so the character's patterns are played as
 *                 pleasant, prosocial behaviour (same speakers in the same order, same number of
 *                 turns); the patterns no longer show, so a faithful judge scores IPE lower, while a
 *                 judge that rewards likeability scores it higher
 */
import { z } from 'zod';
import { type Interval, bootstrap } from '../analysis/agreement.js';
import { type Scenario, TurnSchema } from '../model/index.js';
import { attemptSeed, createRandom, shuffled } from '../sample/random.js';
import type { ChecklistRecord } from './checklist.js';
import type { CallResult, LlmClient, Parsed, ReplyFormat } from './client.js';
import { CONVERSATION_MAX_TOKENS, type Turn, parseConversation, speechOf } from './conversation.js';
import {
  type JudgeCost,
  JudgeCostSchema,
  type JudgeTarget,
  type Judgement,
  JudgementSchema,
  costOfCalls,
  judgeCharacter,
  transcript,
} from './judge.js';
import { DryRunStop } from './limits.js';
import { computeMetrics } from './metrics.js';

export const PROBES = ['order', 'padding', 'desirability'] as const;
export type Probe = (typeof PROBES)[number];

/** What padding appends: neutral remarks about time, weather and objects, no behaviour to judge. */
export const PAD_LINES = [
  '(Glances at the wall clock) It is a quarter past seven.',
  '(Shifts the chair a little) The radiator is ticking again.',
  '(Looks toward the window) It has started to rain outside.',
  '(Moves a cup aside) There is still some water in the jug.',
  '(Checks the time) The last bus leaves at nine.',
  '(Straightens a stack of paper) These pages are numbered.',
  '(Looks up at the light) One of the bulbs is flickering.',
  '(Taps the table once) The table wobbles on this side.',
] as const;
export const PAD_PER_TURN = 2;

/** Turn i gets PAD_LINES[2i mod 8] and PAD_LINES[(2i + 1) mod 8] appended, after its own text. */
export function padConversation(turns: readonly Turn[]): Turn[] {
  return turns.map((t, i) => ({
    char: t.char,
    content: [
      t.content,
      ...Array.from(
        { length: PAD_PER_TURN },
        (_, k) => PAD_LINES[(i * PAD_PER_TURN + k) % PAD_LINES.length]!,
      ),
    ].join(' '),
  }));
}

const hashOf = (text: string) => [...text].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);

/** The checklist with the character's items in a shuffled order, seeded by the seed and sample id. */
export function shuffleChecklist(
  checklist: ChecklistRecord,
  character: string,
  seed: number,
  sampleId: string,
): ChecklistRecord {
  const random = createRandom(attemptSeed(seed, hashOf(sampleId)));
  const mine = checklist.items.filter((i) => i.character === character);
  const order = shuffled(random, mine);
  let next = 0;
  return {
    ...checklist,
    items: checklist.items.map((i) => (i.character === character ? order[next++]! : i)),
  };
}

export const DESIRABILITY_SYSTEM = [
  'You are a script editor. Rewrite a role-play conversation so that the TARGET character behaves',
  'pleasantly and prosocially throughout: warm, considerate, cooperative, calm, generous.',
  'Where the TARGET shows the unpleasant patterns listed, play the opposite, likeable behaviour instead.',
  'Keep exactly the same speakers in exactly the same order and the same number of turns; the other',
  'characters may change their lines only as far as needed to stay coherent.',
  'Write one turn per line as: Name: [inner thought] (action or expression) speech. Every turn has speech.',
  'Never name a psychological pattern. Reply with the conversation only.',
].join('\n');

export interface RewriteInput {
  scenario: Scenario;
  turns: readonly Turn[];
  character: string;
  /** The character's patterns: name and definition. */
  patterns: readonly { name: string; definition: string; aliases?: readonly string[] }[];
  model?: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a rewrite must keep: the turn count, each turn's speaker, speech in every turn; and change the target. */
export function rewriteProblems(
  original: readonly Turn[],
  rewrite: readonly Turn[],
  character: string,
  banned: readonly string[],
): string[] {
  const errors: string[] = [];
  if (rewrite.length !== original.length)
    errors.push(`write exactly ${original.length} turns, as many as the original (got ${rewrite.length})`);
  rewrite.forEach((t, i) => {
    const want = original[i]?.char;
    if (want !== undefined && t.char !== want)
      errors.push(`turn ${i + 1}: the speaker must be ${want}, as in the original (got ${t.char})`);
    if (!speechOf(t.content)) errors.push(`turn ${i + 1} (${t.char}): has no speech`);
    for (const name of banned)
      if (new RegExp(`\\b${escape(name)}\\b`, 'i').test(t.content.replace(/\[[^\]]*\]?/g, ' ')))
        errors.push(`turn ${i + 1} (${t.char}): names the pattern "${name}" outright`);
  });
  const changed = rewrite.some(
    (t, i) =>
      t.char === character &&
      original[i]?.char === character &&
      t.content.trim() !== original[i]!.content.trim(),
  );
  if (!errors.length && !changed) errors.push(`rewrite ${character}'s turns: none of them changed`);
  return errors;
}

export function rewriteFormat(input: RewriteInput): ReplyFormat<Turn[]> {
  const banned = [...new Set(input.patterns.flatMap((p) => [p.name, ...(p.aliases ?? [])]))];
  return {
    name: 'desirability-rewrite',
    schema: z.array(TurnSchema),
    fromText: (text): Parsed<unknown> => ({ ok: true, value: parseConversation(text) }),
    check: (turns) => rewriteProblems(input.turns, turns, input.character, banned),
  };
}

/** One call: the conversation with the character's patterns played as pleasant behaviour, validated. */
export function rewriteDesirable(input: RewriteInput, client: LlmClient): Promise<CallResult<Turn[]>> {
  const user = [
    `Scene: ${input.scenario.storyBackground ?? ''}`,
    `TARGET character: ${input.character}`,
    `The TARGET's patterns, to be played as their pleasant opposite:\n${input.patterns.map((p) => `- ${p.name}: ${p.definition}`).join('\n')}`,
    `Conversation (${input.turns.length} turns):\n${transcript(input.turns)}`,
    `Speakers in order: ${input.turns.map((t) => t.char).join(', ')}`,
  ].join('\n\n');
  return client.call({
    messages: [
      { role: 'system', content: DESIRABILITY_SYSTEM },
      { role: 'user', content: user },
    ],
    format: rewriteFormat(input),
    maxTokens: CONVERSATION_MAX_TOKENS,
    ...(input.model ? { model: input.model } : {}),
    label: `rewrite ${input.scenario.id} ${input.character}`,
  });
}

/** A sample's IPE and MPD (mean item score × 100, mean over runs); null without items of that level. */
export function sampleFigures(judgement: Judgement): { ipe: number | null; mpd: number | null } {
  const m = computeMetrics([judgement], judgement.model);
  const v = (x: number) => (Number.isNaN(x) ? null : x);
  return { ipe: v(m.ipe.mean), mpd: v(m.mpd.mean) };
}

const Figures = { ipe: z.number().nullable(), mpd: z.number().nullable() };
const VariantSchema = z.strictObject({
  judgement: JudgementSchema,
  ...Figures,
  /** variant − original; null when either is undefined. */
  shift: z.strictObject(Figures),
});
export const ProbeLineSchema = z.strictObject({
  id: z.string().min(1),
  scenarioId: z.string().min(1),
  character: z.string(),
  judgeModel: z.string(),
  rewriteModel: z.string().nullable(),
  seed: z.number().int(),
  probes: z.array(z.enum(PROBES)).min(1),
  original: z.strictObject({ judgement: JudgementSchema, ...Figures }),
  variants: z.strictObject({
    order: VariantSchema.optional(),
    padding: VariantSchema.optional(),
    desirability: VariantSchema.extend({ rewriteCost: JudgeCostSchema }).optional(),
  }),
  cost: JudgeCostSchema,
});
export type ProbeLine = z.infer<typeof ProbeLineSchema>;

export interface ProbeTarget extends Omit<JudgeTarget, 'judgeModel' | 'id'> {
  id: string;
  judgeModel: string;
  /** The rewriting model for the desirability swap. */
  rewriteModel: string;
  patterns: RewriteInput['patterns'];
}

const addCost = (a: JudgeCost, b: JudgeCost | undefined): JudgeCost =>
  b
    ? {
        usd: a.usd + b.usd,
        promptTokens: a.promptTokens + b.promptTokens,
        completionTokens: a.completionTokens + b.completionTokens,
        calls: a.calls + b.calls,
        cacheHits: a.cacheHits + b.cacheHits,
      }
    : a;

/**
 * One sample: the original judged, then each probe's variant judged by the same judge with the
 * same runs. Under --dry-run every step's estimate is added up (the rewrite's judge calls are
 * estimated on the original conversation, which the rewrite matches turn for turn).
 */
export async function probeSample(
  target: ProbeTarget,
  probes: readonly Probe[],
  seed: number,
  client: LlmClient,
): Promise<ProbeLine> {
  let estimate = 0;
  let dry = false;
  const attempt = async <T>(fn: () => Promise<T>, calls: number): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof DryRunStop)) throw err;
      dry = true;
      estimate += err.estimate * calls;
      return undefined;
    }
  };
  const judge = (over: Partial<JudgeTarget>) =>
    attempt(async () => (await judgeCharacter({ ...target, ...over }, client)).judgement, target.runs);
  const original = await judge({});
  const variants: ProbeLine['variants'] = {};
  const variant = (judgement: Judgement) => {
    const figures = sampleFigures(judgement);
    const base = sampleFigures(original!);
    const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
    return {
      judgement,
      ...figures,
      shift: { ipe: diff(figures.ipe, base.ipe), mpd: diff(figures.mpd, base.mpd) },
    };
  };
  for (const probe of probes) {
    if (probe === 'order') {
      const j = await judge({
        checklist: shuffleChecklist(target.checklist, target.character, seed, target.id),
      });
      if (j && original) variants.order = variant(j);
    } else if (probe === 'padding') {
      const turns = padConversation(target.turns);
      const j = await judge({ turns });
      if (j && original) variants.padding = variant({ ...j, turns });
    } else {
      const rewrite = await attempt(
        () =>
          rewriteDesirable(
            {
              scenario: target.scenario,
              turns: target.turns,
              character: target.character,
              patterns: target.patterns,
              model: target.rewriteModel,
            },
            client,
          ),
        1,
      );
      // under --dry-run, estimate the judge calls on the original (the rewrite has as many turns)
      const j = await judge({ turns: rewrite?.value ?? target.turns });
      if (j && original && rewrite)
        variants.desirability = {
          ...variant({ ...j, turns: rewrite.value }),
          rewriteCost: costOfCalls([rewrite]),
        };
    }
  }
  if (dry || !original) throw new DryRunStop(estimate);
  const cost = Object.values(variants).reduce(
    (c, v) => addCost(addCost(c, v.judgement.cost), 'rewriteCost' in v ? v.rewriteCost : undefined),
    original.cost ?? costOfCalls([]),
  );
  return {
    id: target.id,
    scenarioId: target.scenario.id,
    character: target.character,
    judgeModel: target.judgeModel,
    rewriteModel: probes.includes('desirability') ? target.rewriteModel : null,
    seed,
    probes: [...probes],
    original: { judgement: original, ...sampleFigures(original) },
    variants,
    cost,
  };
}

export interface ProbeResult {
  probe: Probe;
  /** Mean shift variant − original over samples, × 100 scale like IPE / MPD, with its interval. */
  ipe: Interval;
  mpd: Interval;
  /** What a faithful judge does here. */
  expected: string;
  verdict: 'passed' | 'failed' | 'inconclusive';
  reason: string;
}

export interface ProbeReport {
  judgeModel: string[];
  samples: number;
  probes: ProbeResult[];
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

export function probeReport(
  lines: readonly ProbeLine[],
  options: { seed: number; resamples: number },
): ProbeReport {
  const probes = PROBES.filter((p) => lines.some((l) => l.variants[p]));
  const results = probes.map((probe, k): ProbeResult => {
    const shifts = (pick: 'ipe' | 'mpd') =>
      lines.flatMap((l) => {
        const s = l.variants[probe]?.shift[pick];
        return s === null || s === undefined ? [] : [s];
      });
    const ci = (xs: number[], offset: number) =>
      bootstrap(xs, mean, { seed: options.seed + 2 * k + offset, resamples: options.resamples });
    const ipe = ci(shifts('ipe'), 0);
    const mpd = ci(shifts('mpd'), 1);
    // one sample resamples to itself: an interval of no width that says nothing
    const undefinedCi = ipe.n < 2 || Number.isNaN(ipe.lo) || Number.isNaN(ipe.hi);
    const desirability = probe === 'desirability';
    const expected = desirability
      ? 'IPE lower on the pleasant rewrite (shift < 0)'
      : 'no shift (the interval includes 0)';
    const result = (verdict: ProbeResult['verdict'], reason: string): ProbeResult => ({
      probe,
      ipe,
      mpd,
      expected,
      verdict,
      reason,
    });
    if (undefinedCi) return result('inconclusive', `no interval (n=${ipe.n})`);
    if (desirability) {
      if (ipe.hi < 0) return result('passed', 'the whole interval is below 0');
      if (ipe.lo > 0)
        return result('failed', 'the judge rewards the pleasant rewrite: the whole interval is above 0');
      return result('inconclusive', 'the interval includes 0');
    }
    const includes = (i: Interval) => Number.isNaN(i.lo) || (i.lo <= 0 && i.hi >= 0);
    if (includes(ipe) && includes(mpd)) return result('passed', 'no shift shown: the intervals include 0');
    return result('failed', `biased: the ${includes(ipe) ? 'MPD' : 'IPE'} interval excludes 0`);
  });
  return {
    judgeModel: [...new Set(lines.map((l) => l.judgeModel))],
    samples: lines.length,
    probes: results,
  };
}

const fmt = (x: number) => (Number.isNaN(x) ? '—' : (x > 0 ? '+' : '') + x.toFixed(1));
const ci = (i: Interval) => `${fmt(i.value)} [${fmt(i.lo)}, ${fmt(i.hi)}] n=${i.n}`;

export function probeText(report: ProbeReport): string {
  const out = [
    `probe-judge: judge ${report.judgeModel.join(', ') || '(none)'}, ${report.samples} sample(s); mean shift variant − original (IPE / MPD points, 95% bootstrap interval):`,
  ];
  for (const p of report.probes)
    out.push(
      `  ${p.probe.padEnd(12)} IPE ${ci(p.ipe)}; MPD ${ci(p.mpd)}; expected ${p.expected}: ${p.verdict.toUpperCase()} (${p.reason})`,
    );
  if (!report.probes.length) out.push('  (no probe results yet)');
  return out.join('\n');
}
