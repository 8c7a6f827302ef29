/**
 * Annotation sets (judge calibration) for the CLI, the API and the explorer's Annotate view: one
 * schema per request and response, and one function per use case that both surfaces call.
 *
 * The judge's scores of a set stay hidden from an annotator until they have scored every item:
 * `revealJudge` refuses (ConflictError, HTTP 409) before that.
 */
import { z } from 'zod';
import {
  type AgreementReport,
  AnnotationSchema,
  AnnotationSetSchema,
  CalibrationSampleSchema,
  agreementReport,
  calibrationPoints,
  judgeItemScore,
  raterOf,
} from '../llm/index.js';
import { ConflictError } from '../model/index.js';
import type { GraphStore } from '../store/graph-store.js';
import { SetIdSchema, setNotFound } from '../store/annotations.js';
import { named } from './registry.js';

export const ANNOTATE = {
  /** annotations one PUT may carry */
  save: { max: 10_000 },
  pass: { min: 1, max: 9 },
  /** bootstrap resamples of the reveal's agreement figures */
  resamples: 1000,
} as const;

const count = z.number().int().nonnegative();
const annotatorName = z.string().min(1).max(100);
const pass = z.coerce.number().int().min(ANNOTATE.pass.min).max(ANNOTATE.pass.max);

export const SetIdParams = z.strictObject({ id: SetIdSchema.describe('the annotation set id') });

export const AnnotationsQuery = z.strictObject({
  annotator: annotatorName.optional().describe('only this annotator’s annotations'),
  pass: pass.optional().describe('only this pass (1 = first scoring, 2 = retest)'),
});

export const RevealQuery = z.strictObject({
  annotator: annotatorName.describe('the annotator who has scored every item'),
  pass: pass.optional().describe('their pass (default 1)'),
});

export const Annotation = named('Annotation', AnnotationSchema);
export const AnnotationListSchema = named('AnnotationList', z.array(Annotation));

export const SaveAnnotationsRequestSchema = named(
  'SaveAnnotationsRequest',
  z.strictObject({
    annotations: z
      .array(z.unknown())
      .max(ANNOTATE.save.max)
      .describe(
        'annotations {sampleId, itemId, annotator, pass?, score: 1|0|-1, evidence?, at}; each is checked against the set',
      ),
  }),
);

export const SaveAnnotationsResultSchema = named(
  'SaveAnnotationsResult',
  z.strictObject({
    saved: count.describe('written: new, or newer than the stored annotation of the same item and rater'),
    unchanged: count.describe('already stored as given, or older than the stored one (the latest `at` wins)'),
  }),
);

export const AnnotationSetSummarySchema = named(
  'AnnotationSetSummary',
  z.strictObject({
    id: z.string(),
    hash: z.string(),
    createdAt: z.string(),
    seed: z.number().int(),
    samples: count,
    items: count,
    progress: z.array(z.strictObject({ annotator: z.string(), pass: z.number().int(), scored: count })),
  }),
);
export const AnnotationSetListSchema = named('AnnotationSetList', z.array(AnnotationSetSummarySchema));

export const AnnotationSetDetailSchema = named(
  'AnnotationSetDetail',
  z.strictObject({
    id: z.string(),
    hash: z.string(),
    set: AnnotationSetSchema,
    samples: z
      .array(CalibrationSampleSchema)
      .describe('the conversations and items to score; no judge scores'),
  }),
);

const figure = z.number().nullable();
const IntervalSchema = z.strictObject({
  value: figure,
  lo: figure,
  hi: figure,
  n: count,
});
const GroupSchema = z.strictObject({
  items: count,
  kappa: z.record(z.string(), IntervalSchema),
  alphaHumans: IntervalSchema,
  alphaWithJudge: IntervalSchema,
});
const levelScores = z.strictObject({ ipe: figure, mpd: figure });

export const RevealSchema = named(
  'JudgeReveal',
  z.strictObject({
    setId: z.string(),
    rater: z.string().describe('the annotator, with "#2" etc. for a retest pass'),
    items: z
      .array(
        z.strictObject({
          sampleId: z.string(),
          itemId: z.string(),
          human: z.union([z.literal(1), z.literal(0), z.literal(-1)]),
          judge: z.union([z.literal(1), z.literal(0), z.literal(-1)]).nullable(),
          judgeEvidence: z.array(z.string()).describe('the judge’s evidence, one per run'),
        }),
      )
      .describe('per item: the annotator’s and the judge’s score (the sign of the mean over runs)'),
    points: z
      .array(z.strictObject({ sampleId: z.string(), judge: levelScores, human: levelScores }))
      .describe('per sample: judge and human sample scores (mean item score), IPE and MPD'),
    agreement: z.strictObject({
      ipe: IntervalSchema,
      mpd: IntervalSchema,
      kappa: IntervalSchema,
      overall: GroupSchema,
    }),
  }),
);

export type SetDetail = z.output<typeof AnnotationSetDetailSchema>;
export type Reveal = z.output<typeof RevealSchema>;

/** A stored set as annotators see it; NotFoundError for an unknown id. */
export async function getSet(store: GraphStore, id: string): Promise<SetDetail> {
  const set = await store.getAnnotationSet(id);
  if (!set) throw setNotFound(id);
  return set;
}

/** NaN (a figure undefined on its data) as null, as JSON writes it. */
const orNull = (x: number) => (Number.isNaN(x) ? null : x);
const interval = (i: { value: number; lo: number; hi: number; n: number }) => ({
  value: orNull(i.value),
  lo: orNull(i.lo),
  hi: orNull(i.hi),
  n: i.n,
});

/**
 * The judge's scores of a set next to one annotator's, the per-sample points of the calibration
 * scatter, and the agreement figures (r for IPE and MPD, κ, α) — only once that annotator has
 * scored every item in the pass; before, a ConflictError saying how far they are.
 */
export async function revealJudge(
  store: GraphStore,
  id: string,
  query: z.output<typeof RevealQuery>,
): Promise<Reveal> {
  const { samples } = await getSet(store, id);
  const p = query.pass ?? 1;
  const annotations = await store.listAnnotations(id, { annotator: query.annotator, pass: p });
  const total = samples.reduce((n, s) => n + s.items.length, 0);
  const scored = new Map(annotations.map((a) => [`${a.sampleId}\u0000${a.itemId}`, a]));
  if (scored.size < total)
    throw new ConflictError(
      `annotator "${query.annotator}"${p > 1 ? ` (pass ${p})` : ''} has scored ${scored.size} of ${total} items of set "${id}"; the judge's scores are shown once every item is scored`,
    );
  const judgements = (await store.getSetJudgements(id)) ?? [];
  const judgementOf = new Map(judgements.map((j) => [j.id, j]));
  const rater = annotations[0] ? raterOf(annotations[0]) : query.annotator;
  const items = samples.flatMap((s) =>
    s.items.map((item) => {
      const j = judgementOf.get(s.id);
      const human = scored.get(`${s.id}\u0000${item.id}`)!.score;
      return {
        sampleId: s.id,
        itemId: item.id,
        human,
        judge: (j ? judgeItemScore(j, item.id) : undefined) ?? null,
        judgeEvidence: j
          ? j.runs.flatMap((run) => run.filter((x) => x.id === item.id).map((x) => x.evidence))
          : [],
      };
    }),
  );
  const report: AgreementReport = agreementReport(samples, judgements, annotations, {
    seed: 1,
    resamples: ANNOTATE.resamples,
  });
  const mine = report.judge.find((j) => j.rater === rater);
  const empty = { value: NaN, lo: NaN, hi: NaN, n: 0 };
  return {
    setId: id,
    rater,
    items,
    points: calibrationPoints(samples, judgements, annotations, rater),
    agreement: {
      ipe: interval(mine?.ipe ?? empty),
      mpd: interval(mine?.mpd ?? empty),
      kappa: interval(mine?.kappa ?? empty),
      overall: {
        items: report.overall.items,
        kappa: Object.fromEntries(Object.entries(report.overall.kappa).map(([k, v]) => [k, interval(v)])),
        alphaHumans: interval(report.overall.alphaHumans),
        alphaWithJudge: interval(report.overall.alphaWithJudge),
      },
    },
  };
}
