/**
 * Judge ensembles: several judge models score the same sample (one character in one scenario);
 * their scores are aggregated per item (majority vote and mean), and the report says how far the
 * judges agree (Cohen's κ per pair, Krippendorff's α over all, with bootstrap intervals) and
 * which items they disagree on most. Pure apart from the judge calls in judgeEnsemble.
 */
import { z } from 'zod';
import { type Interval, bootstrap, cohenKappa, krippendorffAlpha } from '../analysis/agreement.js';
import { judgeItemScore } from './calibration.js';
import type { LlmClient } from './client.js';
import {
  type JudgeCost,
  type JudgeTarget,
  type Judgement,
  JudgementSchema,
  type ScoredItem,
  judgeCharacter,
} from './judge.js';
import { DryRunStop } from './limits.js';
import { type MetricsReport, computeMetrics } from './metrics.js';

const Vote = z.union([z.literal(1), z.literal(0), z.literal(-1)]);

/** One item over the judges: each judge's vote (the sign of its mean over runs) and mean. */
export const EnsembleItemSchema = z.strictObject({
  id: z.string(),
  level: z.enum(['pattern', 'scenario']),
  /** Judge model → its vote: the sign of its mean score over its runs. */
  votes: z.record(z.string(), Vote),
  /** Judge model → its mean score over its runs. */
  means: z.record(z.string(), z.number()),
  /** The most common vote; 0 when two or more votes tie for most (`tie` is then true). */
  majority: Vote,
  tie: z.boolean(),
  /** The mean over judges of each judge's mean score. */
  mean: z.number(),
});
export type EnsembleItem = z.infer<typeof EnsembleItemSchema>;

/** A sample-level figure (mean item score × 100) from the majority votes and from the means. */
const AggregateFigure = z.strictObject({ majority: z.number().nullable(), mean: z.number().nullable() });

export const EnsembleSchema = z.strictObject({
  judges: z.array(z.string()).min(2),
  /** Each judge's own judgement, with its judgeConfig and cost. */
  judgements: z.array(JudgementSchema),
  items: z.array(EnsembleItemSchema),
  ipe: AggregateFigure,
  mpd: AggregateFigure,
});
export type Ensemble = z.infer<typeof EnsembleSchema>;

/**
 * An ensemble judgement line: a Judgement whose one run holds the majority votes (so the IPE / MPD
 * table reads it like any judgement), judgeModel the judges joined by commas, cost the sum of the
 * judges' costs, and `ensemble` with everything per judge.
 */
export const EnsembleJudgementSchema = JudgementSchema.extend({ ensemble: EnsembleSchema });
export type EnsembleJudgement = z.infer<typeof EnsembleJudgementSchema>;

/** The most common vote; a tie for most gives 0 (not shown), flagged. */
export function majorityVote(votes: readonly (-1 | 0 | 1)[]): { majority: -1 | 0 | 1; tie: boolean } {
  const counts = new Map<-1 | 0 | 1, number>();
  for (const v of votes) counts.set(v, (counts.get(v) ?? 0) + 1);
  const top = Math.max(0, ...counts.values());
  const leaders = [...counts.entries()].filter(([, n]) => n === top).map(([v]) => v);
  return leaders.length === 1 ? { majority: leaders[0]!, tie: false } : { majority: 0, tie: true };
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const orNull = (x: number) => (Number.isNaN(x) ? null : x);

/** Aggregate the judges' judgements of one sample (same id, same items) into an ensemble line. */
export function aggregateEnsemble(judgements: readonly Judgement[]): EnsembleJudgement {
  const first = judgements[0];
  if (!first || judgements.length < 2)
    throw new RangeError('aggregateEnsemble: needs two or more judgements');
  const judges = judgements.map((j) => j.judgeModel);
  const template = first.runs[0] ?? [];
  const items: EnsembleItem[] = [];
  const majorityRun: ScoredItem[] = [];
  for (const item of template) {
    const votes: Record<string, -1 | 0 | 1> = {};
    const means: Record<string, number> = {};
    for (const j of judgements) {
      const scores = j.runs.flatMap((run) => run.filter((i) => i.id === item.id).map((i) => i.score));
      const vote = judgeItemScore(j, item.id);
      if (vote === undefined) continue;
      votes[j.judgeModel] = vote;
      means[j.judgeModel] = mean(scores);
    }
    const { majority, tie } = majorityVote(Object.values(votes));
    items.push({
      id: item.id,
      level: item.level,
      votes,
      means,
      majority,
      tie,
      mean: mean(Object.values(means)),
    });
    // the evidence of the first judge whose vote is the majority (none for a 0)
    const backer = judgements.find((j) => votes[j.judgeModel] === majority);
    const evidence =
      majority === 0
        ? ''
        : (backer?.runs.flat().find((i) => i.id === item.id && i.score === majority)?.evidence ?? '');
    majorityRun.push({ ...item, score: majority, evidence });
  }
  const level = (l: 'pattern' | 'scenario', pick: (i: EnsembleItem) => number) => {
    const xs = items.filter((i) => i.level === l).map(pick);
    return orNull(mean(xs) * 100);
  };
  const cost: JudgeCost = {
    usd: 0,
    promptTokens: 0,
    completionTokens: 0,
    calls: 0,
    cacheHits: 0,
  };
  for (const j of judgements)
    if (j.cost) for (const k of Object.keys(cost) as (keyof JudgeCost)[]) cost[k] += j.cost[k];
  return {
    id: first.id,
    scenarioId: first.scenarioId,
    motif: first.motif,
    model: first.model,
    judgeModel: judges.join(','),
    character: first.character,
    runs: [majorityRun],
    cost,
    ensemble: {
      judges,
      judgements: [...judgements],
      items,
      ipe: { majority: level('pattern', (i) => i.majority), mean: level('pattern', (i) => i.mean) },
      mpd: { majority: level('scenario', (i) => i.majority), mean: level('scenario', (i) => i.mean) },
    },
  };
}

/**
 * One sample judged by every judge in turn (same prompt, same runs; each judge's calls cached on
 * their own), then aggregated. Under --dry-run each judge's estimate is added up, so judges with
 * different prices are estimated at their own price.
 */
export async function judgeEnsemble(
  target: Omit<JudgeTarget, 'judgeModel'>,
  judges: readonly string[],
  client: LlmClient,
): Promise<EnsembleJudgement> {
  const judgements: Judgement[] = [];
  let estimate = 0;
  let dry = false;
  for (const judgeModel of judges) {
    try {
      judgements.push((await judgeCharacter({ ...target, judgeModel }, client)).judgement);
    } catch (err) {
      if (!(err instanceof DryRunStop)) throw err;
      dry = true;
      estimate += err.estimate * target.runs;
    }
  }
  if (dry) throw new DryRunStop(estimate);
  return aggregateEnsemble(judgements);
}

export interface EnsembleReportOptions {
  seed: number;
  resamples: number;
  /** How many of the most-disagreed items to list. */
  top: number;
}

export interface DisagreedItem {
  sample: string;
  item: string;
  level: 'pattern' | 'scenario';
  votes: Record<string, -1 | 0 | 1>;
  /** The largest gap between two judges' votes (2: one says +1, another −1). */
  spread: number;
  /** The population SD of the votes: with equal spread, more judges away from the rest ranks higher. */
  sd: number;
}

export interface EnsembleReport {
  judges: string[];
  samples: number;
  items: number;
  /** Items whose votes tie for most (their majority is 0). */
  ties: number;
  /** Items where the judges' votes are not all the same. */
  disagreed: number;
  /** Per pair of judges, Cohen's κ on their votes over the items both scored. */
  kappa: { a: string; b: string; kappa: Interval }[];
  /** Krippendorff's α (ordinal, on −1 / 0 / +1) over all judges; n = pairable items. */
  alpha: Interval;
  /** IPE / MPD per judge (its own runs) and of the aggregate (majority votes). */
  perJudge: MetricsReport[];
  aggregate: {
    ipe: { majority: number | null; mean: number | null };
    mpd: { majority: number | null; mean: number | null };
  };
  mostDisagreed: DisagreedItem[];
}

/** Agreement among the judges of ensemble lines, with intervals, and the items they split on. */
export function ensembleReport(
  lines: readonly EnsembleJudgement[],
  options: EnsembleReportOptions,
): EnsembleReport {
  const judges = [...new Set(lines.flatMap((l) => l.ensemble.judges))];
  const units = lines.flatMap((l) => l.ensemble.items.map((item) => ({ sample: l.id, item })));
  const boot = <U>(xs: readonly U[], stat: (s: readonly U[]) => number, k: number) =>
    bootstrap(xs, stat, { seed: options.seed + k, resamples: options.resamples });
  let k = 0;
  const kappa: EnsembleReport['kappa'] = [];
  for (let i = 0; i < judges.length; i++)
    for (let j = i + 1; j < judges.length; j++) {
      const [a, b] = [judges[i]!, judges[j]!];
      const pairs = units.flatMap(({ item }) => {
        const x = item.votes[a];
        const y = item.votes[b];
        return x === undefined || y === undefined ? [] : [[x, y] as const];
      });
      kappa.push({
        a,
        b,
        kappa: boot(
          pairs,
          (s) =>
            cohenKappa(
              s.map((p) => p[0]),
              s.map((p) => p[1]),
            ),
          k++,
        ),
      });
    }
  const reliability = units
    .map(({ item }) => judges.map((jm) => item.votes[jm]))
    .filter((u) => u.filter((v) => v !== undefined).length >= 2);
  const alpha = boot(reliability, (s) => krippendorffAlpha(s, 'ordinal').value, k);
  const disagreedItems: DisagreedItem[] = units.map(({ sample, item }) => {
    const votes = Object.values(item.votes);
    const m = mean(votes);
    return {
      sample,
      item: item.id,
      level: item.level,
      votes: item.votes,
      spread: votes.length ? Math.max(...votes) - Math.min(...votes) : 0,
      sd: votes.length ? Math.sqrt(mean(votes.map((v) => (v - m) ** 2))) : 0,
    };
  });
  const mostDisagreed = disagreedItems
    .filter((d) => d.spread > 0)
    .sort(
      (x, y) =>
        y.spread - x.spread ||
        y.sd - x.sd ||
        x.sample.localeCompare(y.sample) ||
        x.item.localeCompare(y.item),
    );
  const perJudge = judges.map((jm) =>
    computeMetrics(
      lines.flatMap((l) => l.ensemble.judgements.filter((j) => j.judgeModel === jm)),
      jm,
    ),
  );
  const all = (l: 'pattern' | 'scenario', pick: (i: EnsembleItem) => number) => {
    // the paper's metric: the mean over samples of each sample's mean item score, × 100
    const sampleMeans = lines
      .map((line) => line.ensemble.items.filter((i) => i.level === l).map(pick))
      .filter((xs) => xs.length)
      .map((xs) => mean(xs));
    return orNull(mean(sampleMeans) * 100);
  };
  return {
    judges,
    samples: lines.length,
    items: units.length,
    ties: units.filter((u) => u.item.tie).length,
    disagreed: mostDisagreed.length,
    kappa,
    alpha,
    perJudge,
    aggregate: {
      ipe: { majority: all('pattern', (i) => i.majority), mean: all('pattern', (i) => i.mean) },
      mpd: { majority: all('scenario', (i) => i.majority), mean: all('scenario', (i) => i.mean) },
    },
    mostDisagreed: mostDisagreed.slice(0, options.top),
  };
}

const fmt = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(2));
const fmt1 = (x: number | null) => (x === null || Number.isNaN(x) ? '—' : x.toFixed(1));
const ci = (i: Interval) => `${fmt(i.value)} [${fmt(i.lo)}, ${fmt(i.hi)}] n=${i.n}`;
const signed = (v: number) => (v > 0 ? `+${v}` : `${v}`);

/** The report as text: agreement with 95% intervals and n, the aggregate, the most-disagreed items. */
export function ensembleText(report: EnsembleReport): string {
  const out: string[] = [];
  out.push(
    `ensemble: ${report.judges.length} judges (${report.judges.join(', ')}), ${report.samples} sample(s), ${report.items} item(s); ` +
      `${report.disagreed} item(s) with differing votes, ${report.ties} tie(s) scored 0`,
  );
  out.push('', 'inter-judge agreement (95% bootstrap intervals; n = items):');
  for (const p of report.kappa) out.push(`  κ ${p.a} vs ${p.b}: ${ci(p.kappa)}`);
  out.push(`  α (ordinal) over all judges: ${ci(report.alpha)}`);
  out.push('', 'IPE / MPD per judge and of the ensemble:');
  for (const r of report.perJudge) out.push(`  ${r.model}: IPE ${fmt1(r.ipe.mean)}, MPD ${fmt1(r.mpd.mean)}`);
  const a = report.aggregate;
  out.push(`  majority vote: IPE ${fmt1(a.ipe.majority)}, MPD ${fmt1(a.mpd.majority)}`);
  out.push(`  mean of judges: IPE ${fmt1(a.ipe.mean)}, MPD ${fmt1(a.mpd.mean)}`);
  out.push('', `most-disagreed items (${report.mostDisagreed.length} of ${report.disagreed}):`);
  if (!report.mostDisagreed.length) out.push('  (none: every judge gave every item the same vote)');
  for (const d of report.mostDisagreed)
    out.push(
      `  ${d.sample}  ${d.item} (${d.level})  ` +
        report.judges
          .map((jm) => `${jm} ${d.votes[jm] === undefined ? '—' : signed(d.votes[jm])}`)
          .join(', '),
    );
  return out.join('\n');
}
