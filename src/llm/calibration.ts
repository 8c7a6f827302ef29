/**
 * Calibration: a seeded, stratified sample of judged samples (one character in one scenario) for
 * humans to score, the annotations they give, and the judge–human agreement report. Pure: the CLI
 * reads and writes the annotation set directory (see README "Judge calibration").
 *
 *   DIR/set.json           what the set is: seed, n, strata and their counts, when it was drawn
 *   DIR/samples.jsonl      per sample: the conversation and the items to score — no judge scores
 *   DIR/judge.jsonl        the judge's judgements of those samples, kept apart from what
 *                          annotators see
 *   DIR/annotations.jsonl  one line per item score: sample, item, annotator, pass, score, time
 */
import { z } from 'zod';
import { type Interval, bootstrap, cohenKappa, krippendorffAlpha, pearson } from '../analysis/agreement.js';
import { MOTIFS, TurnSchema } from '../model/index.js';
import { createRandom, shuffled } from '../sample/random.js';
import { CheckItemSchema } from './checklist.js';
import type { Judgement } from './judge.js';

export const CalibrationSampleSchema = z.strictObject({
  /** The judgement id: scenario id and character. */
  id: z.string().min(1),
  scenarioId: z.string().min(1),
  character: z.string().min(1),
  motif: z.enum(MOTIFS).nullable(),
  relationTypes: z.array(z.string()),
  patternKinds: z.array(z.string()),
  stratum: z.string(),
  turns: z.array(TurnSchema),
  items: z.array(CheckItemSchema),
});
export type CalibrationSample = z.infer<typeof CalibrationSampleSchema>;

export const AnnotationSetSchema = z.strictObject({
  format: z.literal('psygraph-annotation-set'),
  version: z.literal(1),
  seed: z.number().int(),
  n: z.number().int().nonnegative(),
  createdAt: z.string(),
  strata: z.record(z.string(), z.strictObject({ available: z.number().int(), drawn: z.number().int() })),
});
export type AnnotationSet = z.infer<typeof AnnotationSetSchema>;

export const AnnotationSchema = z.strictObject({
  sampleId: z.string().min(1),
  itemId: z.string().min(1),
  annotator: z.string().min(1),
  /** 1 for the first scoring; 2 for the same annotator's retest (the human ceiling with one annotator). */
  pass: z.number().int().min(1).max(9).default(1),
  score: z.union([z.literal(1), z.literal(0), z.literal(-1)]),
  evidence: z.string().optional(),
  at: z.iso.datetime({ offset: true }),
});
export type Annotation = z.infer<typeof AnnotationSchema>;

/** The stratum of a sample: motif × relation types × the character's pattern kinds. */
export function stratumOf(s: Pick<CalibrationSample, 'motif' | 'relationTypes' | 'patternKinds'>): string {
  const types = [...new Set(s.relationTypes)].sort().join('+') || 'none';
  const kinds = [...new Set(s.patternKinds)].sort().join('+') || 'none';
  return `${s.motif ?? 'none'} | ${types} | ${kinds}`;
}

/**
 * n samples spread evenly over the strata: each stratum is shuffled with the seed, then the strata
 * (in name order) give one sample each in turn until n are drawn or all are used, so every stratum
 * gets ⌊n / strata⌋ or one more, unless it runs out and the others fill its share.
 */
export function drawCalibration<T extends { stratum: string }>(
  candidates: readonly T[],
  n: number,
  seed: number,
): { drawn: T[]; strata: AnnotationSet['strata'] } {
  const random = createRandom(seed);
  const byStratum = new Map<string, T[]>();
  for (const c of candidates) byStratum.set(c.stratum, [...(byStratum.get(c.stratum) ?? []), c]);
  const names = [...byStratum.keys()].sort();
  const queues = names.map((name) => shuffled(random, byStratum.get(name)!));
  const drawn: T[] = [];
  const strata: AnnotationSet['strata'] = Object.fromEntries(
    names.map((name) => [name, { available: byStratum.get(name)!.length, drawn: 0 }]),
  );
  while (drawn.length < n && queues.some((q) => q.length)) {
    for (const [i, q] of queues.entries()) {
      if (drawn.length >= n) break;
      const next = q.shift();
      if (!next) continue;
      drawn.push(next);
      strata[names[i]!]!.drawn++;
    }
  }
  return { drawn, strata };
}

/** One item's judge score over k runs: the sign of the mean (+1, 0 or −1). */
export function judgeItemScore(judgement: Judgement, itemId: string): -1 | 0 | 1 | undefined {
  const scores = judgement.runs.flatMap((run) => run.filter((i) => i.id === itemId).map((i) => i.score));
  if (!scores.length) return undefined;
  return Math.sign(scores.reduce((a: number, b) => a + b, 0)) as -1 | 0 | 1;
}

export interface AgreementOptions {
  seed: number;
  resamples: number;
}

export interface RaterAgreement {
  rater: string;
  /** Per-sample Pearson r between judge and this rater, IPE (pattern items) and MPD (scenario items). */
  ipe: Interval;
  mpd: Interval;
  /** Per-item Cohen's κ, judge vs this rater. */
  kappa: Interval;
}

export interface GroupAgreement {
  /** Items in the group that the judge and at least one rater scored. */
  items: number;
  /** κ judge vs each rater. */
  kappa: Record<string, Interval>;
  /** α over all human raters (ordinal on −1 / 0 / +1). */
  alphaHumans: Interval;
  /** α over the judge and all human raters. */
  alphaWithJudge: Interval;
}

export interface AgreementReport {
  samples: number;
  raters: string[];
  judge: RaterAgreement[];
  overall: GroupAgreement;
  byRelationType: Record<string, GroupAgreement>;
  byMotif: Record<string, GroupAgreement>;
  /** Human–human agreement (first two raters: two annotators, or one annotator's retest). */
  ceiling: {
    raters: [string, string];
    ipe: Interval;
    mpd: Interval;
    kappa: Interval;
    /** Judge agreement as a fraction of the human ceiling: mean judge κ (or r) over the two, / ceiling. */
    kappaFraction: number;
    ipeFraction: number;
    mpdFraction: number;
  } | null;
}

/** The rater key of an annotation: the annotator, with "#2" etc. for a retest pass. */
export const raterOf = (a: Annotation) => (a.pass > 1 ? `${a.annotator}#${a.pass}` : a.annotator);

interface ItemRow {
  sampleId: string;
  itemId: string;
  level: 'scenario' | 'pattern';
  relationType: string | undefined;
  motif: string;
  judge: number | undefined;
  humans: Map<string, number>;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function agreementReport(
  samples: readonly CalibrationSample[],
  judgements: readonly Judgement[],
  annotations: readonly Annotation[],
  options: AgreementOptions,
): AgreementReport {
  const judgementOf = new Map(judgements.map((j) => [j.id, j]));
  // the latest score wins when a rater scored an item twice in the same pass
  const latest = new Map<string, Annotation>();
  for (const a of [...annotations].sort((x, y) => Date.parse(x.at) - Date.parse(y.at)))
    latest.set(`${a.sampleId}\u0000${a.itemId}\u0000${raterOf(a)}`, a);
  const raters = [...new Set([...latest.values()].map(raterOf))].sort();
  const rows: ItemRow[] = [];
  const rowOf = new Map<string, ItemRow>();
  for (const s of samples) {
    const j = judgementOf.get(s.id);
    for (const item of s.items) {
      const row: ItemRow = {
        sampleId: s.id,
        itemId: item.id,
        level: item.level,
        relationType: item.relationType,
        motif: s.motif ?? 'none',
        judge: j ? judgeItemScore(j, item.id) : undefined,
        humans: new Map(),
      };
      rows.push(row);
      rowOf.set(`${s.id}\u0000${item.id}`, row);
    }
  }
  for (const a of latest.values())
    rowOf.get(`${a.sampleId}\u0000${a.itemId}`)?.humans.set(raterOf(a), a.score);

  const seedOf = (k: number) => options.seed + k;
  const boot = <U>(units: readonly U[], stat: (u: readonly U[]) => number, k: number) =>
    bootstrap(units, stat, { seed: seedOf(k), resamples: options.resamples });

  /** Per-sample mean scores of two raters over one level's items, for samples both scored. */
  const samplePairs = (
    level: 'scenario' | 'pattern',
    a: (r: ItemRow) => number | undefined,
    b: (r: ItemRow) => number | undefined,
  ) => {
    const bySample = new Map<string, { x: number[]; y: number[] }>();
    for (const r of rows) {
      if (r.level !== level) continue;
      const x = a(r);
      const y = b(r);
      if (x === undefined || y === undefined) continue;
      const e = bySample.get(r.sampleId) ?? { x: [], y: [] };
      e.x.push(x);
      e.y.push(y);
      bySample.set(r.sampleId, e);
    }
    return [...bySample.values()].map((e) => [mean(e.x), mean(e.y)] as const);
  };
  const r = (pairs: readonly (readonly [number, number])[]) =>
    pearson(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
  const itemPairs = (
    subset: readonly ItemRow[],
    a: (r: ItemRow) => number | undefined,
    b: (r: ItemRow) => number | undefined,
  ) =>
    subset.flatMap((row) => {
      const x = a(row);
      const y = b(row);
      return x === undefined || y === undefined ? [] : [[x, y] as const];
    });
  const kappa = (pairs: readonly (readonly [number, number])[]) =>
    cohenKappa(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
  const judgeOf = (row: ItemRow) => row.judge;
  const humanOf = (rater: string) => (row: ItemRow) => row.humans.get(rater);

  let k = 0;
  const group = (subset: readonly ItemRow[]): GroupAgreement => {
    const humanUnits = subset.map((row) => raters.map((rt) => row.humans.get(rt)));
    const withJudge = subset.map((row) => [row.judge, ...raters.map((rt) => row.humans.get(rt))]);
    return {
      items: subset.filter((row) => row.judge !== undefined && row.humans.size).length,
      kappa: Object.fromEntries(
        raters.map((rt) => [rt, boot(itemPairs(subset, judgeOf, humanOf(rt)), kappa, k++)]),
      ),
      alphaHumans: alphaInterval(humanUnits, k++),
      alphaWithJudge: alphaInterval(withJudge, k++),
    };
  };
  const alphaInterval = (units: (number | undefined)[][], seedOffset: number): Interval => {
    const pairable = units.filter((u) => u.filter((v) => v !== undefined).length >= 2);
    return boot(pairable, (s) => krippendorffAlpha(s, 'ordinal').value, seedOffset);
  };

  const judge = raters.map((rater) => ({
    rater,
    ipe: boot(samplePairs('pattern', judgeOf, humanOf(rater)), r, k++),
    mpd: boot(samplePairs('scenario', judgeOf, humanOf(rater)), r, k++),
    kappa: boot(itemPairs(rows, judgeOf, humanOf(rater)), kappa, k++),
  }));
  const groupBy = (key: (row: ItemRow) => string | undefined) => {
    const groups = new Map<string, ItemRow[]>();
    for (const row of rows) {
      const g = key(row);
      if (g !== undefined) groups.set(g, [...(groups.get(g) ?? []), row]);
    }
    return Object.fromEntries([...groups.keys()].sort().map((g) => [g, group(groups.get(g)!)]));
  };

  let ceiling: AgreementReport['ceiling'] = null;
  if (raters.length >= 2) {
    const [a, b] = [raters[0]!, raters[1]!];
    const ipe = boot(samplePairs('pattern', humanOf(a), humanOf(b)), r, k++);
    const mpd = boot(samplePairs('scenario', humanOf(a), humanOf(b)), r, k++);
    const hk = boot(itemPairs(rows, humanOf(a), humanOf(b)), kappa, k++);
    const jOf = (name: string) => judge.find((j) => j.rater === name)!;
    const frac = (pick: (j: RaterAgreement) => Interval, ceilingValue: number) =>
      mean([pick(jOf(a)).value, pick(jOf(b)).value]) / ceilingValue;
    ceiling = {
      raters: [a, b],
      ipe,
      mpd,
      kappa: hk,
      kappaFraction: frac((j) => j.kappa, hk.value),
      ipeFraction: frac((j) => j.ipe, ipe.value),
      mpdFraction: frac((j) => j.mpd, mpd.value),
    };
  }
  return {
    samples: samples.length,
    raters,
    judge,
    overall: group(rows),
    byRelationType: groupBy((row) => row.relationType),
    byMotif: groupBy((row) => row.motif),
    ceiling,
  };
}

const fmt = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(2));
const ci = (i: Interval) => `${fmt(i.value)} [${fmt(i.lo)}, ${fmt(i.hi)}] n=${i.n}`;

/** The report as text: one line per figure, each with its 95% interval and n. */
export function agreementText(report: AgreementReport): string {
  const out: string[] = [];
  out.push(`samples: ${report.samples}; raters: ${report.raters.join(', ') || '(none)'}`);
  out.push('', 'judge vs each rater (95% bootstrap intervals):');
  for (const j of report.judge)
    out.push(`  ${j.rater}: IPE r ${ci(j.ipe)}; MPD r ${ci(j.mpd)}; item κ ${ci(j.kappa)}`);
  const groupLines = (name: string, g: GroupAgreement) =>
    `  ${name} (${g.items} items): α humans ${ci(g.alphaHumans)}; α with judge ${ci(g.alphaWithJudge)}; ` +
    Object.entries(g.kappa)
      .map(([rt, i]) => `κ ${rt} ${ci(i)}`)
      .join('; ');
  out.push('', 'Krippendorff α (ordinal) and κ:');
  out.push(groupLines('all', report.overall));
  out.push('', 'by relation type:');
  for (const [t, g] of Object.entries(report.byRelationType)) out.push(groupLines(t, g));
  out.push('', 'by motif:');
  for (const [m, g] of Object.entries(report.byMotif)) out.push(groupLines(m, g));
  out.push('');
  if (report.ceiling) {
    const c = report.ceiling;
    out.push(
      `human ceiling (${c.raters[0]} vs ${c.raters[1]}): IPE r ${ci(c.ipe)}; MPD r ${ci(c.mpd)}; item κ ${ci(c.kappa)}`,
    );
    out.push(
      `judge as a fraction of the ceiling: κ ${fmt(c.kappaFraction)}, IPE r ${fmt(c.ipeFraction)}, MPD r ${fmt(c.mpdFraction)}`,
    );
  } else out.push('human ceiling: needs two raters (two annotators, or one annotator’s retest as pass 2)');
  return out.join('\n');
}

/** One sample of the calibration scatter: the judge's and a rater's sample scores (mean item score). */
export interface CalibrationPoint {
  sampleId: string;
  /** Pattern items (IPE) and scenario items (MPD); null when the sample has none scored by both. */
  judge: { ipe: number | null; mpd: number | null };
  human: { ipe: number | null; mpd: number | null };
}

/**
 * Per sample, the judge's and one rater's mean item scores over the items both scored, for IPE
 * (pattern items) and MPD (scenario items): the points of the per-sample correlation.
 */
export function calibrationPoints(
  samples: readonly CalibrationSample[],
  judgements: readonly Judgement[],
  annotations: readonly Annotation[],
  rater: string,
): CalibrationPoint[] {
  const judgementOf = new Map(judgements.map((j) => [j.id, j]));
  const latest = new Map<string, Annotation>();
  for (const a of [...annotations].sort((x, y) => Date.parse(x.at) - Date.parse(y.at)))
    if (raterOf(a) === rater) latest.set(`${a.sampleId}\u0000${a.itemId}`, a);
  return samples.map((s) => {
    const j = judgementOf.get(s.id);
    const level = (l: 'scenario' | 'pattern') => {
      const pairs = s.items.flatMap((item) => {
        if (item.level !== l || !j) return [];
        const x = judgeItemScore(j, item.id);
        const y = latest.get(`${s.id}\u0000${item.id}`)?.score;
        return x === undefined || y === undefined ? [] : [[x, y] as const];
      });
      return pairs.length
        ? { judge: mean(pairs.map((p) => p[0])), human: mean(pairs.map((p) => p[1])) }
        : { judge: null, human: null };
    };
    const ipe = level('pattern');
    const mpd = level('scenario');
    return {
      sampleId: s.id,
      judge: { ipe: ipe.judge, mpd: mpd.judge },
      human: { ipe: ipe.human, mpd: mpd.human },
    };
  });
}
