/**
 * Annotation sets in the store: what both backends keep, how their input is checked, and the
 * rules they share (an annotation's key, which of two scorings wins, the order of a listing), so
 * that the embedded store and Neo4j answer the same question the same way.
 *
 * A stored set is what `psygraph calibrate` writes as a directory: set.json, the samples (no judge
 * scores) and the judge's judgements (kept apart; read only through getSetJudgements), plus the
 * annotations, one per (sample, item, annotator, pass).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  type Annotation,
  AnnotationSchema,
  type AnnotationSet,
  AnnotationSetSchema,
  type CalibrationSample,
  CalibrationSampleSchema,
} from '../llm/calibration.js';
import { type Judgement, JudgementSchema } from '../llm/judge.js';
import {
  InvalidInputError,
  NotFoundError,
  StoreDataError,
  canonicalJson,
  zodProblems,
} from '../model/index.js';

/** A set id: a short name (letters, digits, `.`, `_`, `-`), e.g. the set directory's name. */
export const SET_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SetIdSchema = z
  .string()
  .regex(SET_ID_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

export const AnnotationSetInputSchema = z.strictObject({
  id: SetIdSchema,
  set: AnnotationSetSchema,
  samples: z.array(CalibrationSampleSchema).min(1),
  judgements: z.array(JudgementSchema),
});

/** What saveAnnotationSet takes: one set directory's content under an id. */
export type AnnotationSetInput = z.infer<typeof AnnotationSetInputSchema>;

/** How far one rater (annotator and pass) has come. */
export interface RaterProgress {
  annotator: string;
  pass: number;
  /** Items scored (each counted once, whatever times it was rescored). */
  scored: number;
}

export interface AnnotationSetSummary {
  id: string;
  /** A hash of the set's content (set.json, samples, judgements): the same set loaded twice has the same. */
  hash: string;
  createdAt: string;
  seed: number;
  samples: number;
  items: number;
  progress: RaterProgress[];
}

/** A stored set as annotators see it: no judge scores. */
export interface StoredAnnotationSet {
  id: string;
  hash: string;
  set: AnnotationSet;
  samples: CalibrationSample[];
}

export interface AnnotationFilter {
  annotator?: string;
  pass?: number;
}

export interface SaveSetResult {
  id: string;
  hash: string;
  /** False when a set with this id was already stored (it is left unchanged). */
  created: boolean;
}

export interface SaveAnnotationsResult {
  /** Annotations written (new, or newer than the one stored for the same key). */
  saved: number;
  /** Annotations already stored as given, or older than the stored one (the latest `at` wins). */
  unchanged: number;
}

/** The content hash of a set: 16 hex digits of the SHA-256 of its canonical JSON. */
export function setHash(input: Pick<AnnotationSetInput, 'set' | 'samples' | 'judgements'>): string {
  const text = canonicalJson({ set: input.set, samples: input.samples, judgements: input.judgements });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * The set, validated: its fields by path, samples with distinct ids, n matching the samples, every
 * judgement of one of its samples.
 */
export function parseAnnotationSet(input: unknown): AnnotationSetInput {
  const parsed = AnnotationSetInputSchema.safeParse(input);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error, 'annotation set');
    throw new InvalidInputError(
      `invalid annotation set: ${problems[0]?.path}: ${problems[0]?.message}`,
      problems,
    );
  }
  const value = parsed.data;
  const ids = new Set<string>();
  for (const [i, s] of value.samples.entries()) {
    if (ids.has(s.id))
      throw new InvalidInputError(`invalid annotation set: samples[${i}].id: sample "${s.id}" appears twice`);
    ids.add(s.id);
  }
  if (value.set.n !== value.samples.length)
    throw new InvalidInputError(
      `invalid annotation set: set.n is ${value.set.n} but there are ${value.samples.length} samples`,
    );
  for (const [i, j] of value.judgements.entries())
    if (!ids.has(j.id))
      throw new InvalidInputError(
        `invalid annotation set: judgements[${i}].id: "${j.id}" is not a sample of the set`,
      );
  return value;
}

export const itemCount = (samples: readonly CalibrationSample[]) =>
  samples.reduce((n, s) => n + s.items.length, 0);

/**
 * Annotations checked against the set's samples: each field by path, and an unknown sample or item
 * named by its index (`annotations[3].itemId`).
 */
export function parseAnnotations(
  input: readonly unknown[],
  samples: readonly CalibrationSample[],
  setId: string,
): Annotation[] {
  const items = new Map(samples.map((s) => [s.id, new Set(s.items.map((i) => i.id))]));
  return input.map((raw, i) => {
    const parsed = AnnotationSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = zodProblems(parsed.error, `annotations[${i}]`);
      throw new InvalidInputError(
        `annotations[${i}]: ${problems[0]?.path ? `${problems[0].path}: ` : ''}${problems[0]?.message}`,
        problems,
      );
    }
    const a = parsed.data;
    const known = items.get(a.sampleId);
    if (!known)
      throw new InvalidInputError(`annotations[${i}].sampleId: set "${setId}" has no sample "${a.sampleId}"`);
    if (!known.has(a.itemId))
      throw new InvalidInputError(
        `annotations[${i}].itemId: sample "${a.sampleId}" of set "${setId}" has no item "${a.itemId}"`,
      );
    return a;
  });
}

/** The key an annotation is stored under: one score per sample, item, annotator and pass. */
export const annotationKey = (a: Pick<Annotation, 'sampleId' | 'itemId' | 'annotator' | 'pass'>) =>
  JSON.stringify([a.annotator, a.pass, a.sampleId, a.itemId]);

const sameAnnotation = (a: Annotation, b: Annotation) =>
  a.score === b.score && (a.evidence ?? null) === (b.evidence ?? null) && a.at === b.at;

/**
 * Whether `incoming` replaces `stored` (same key): a later `at` wins; at the same instant the one
 * written last wins; an identical one changes nothing.
 */
export function replaces(incoming: Annotation, stored: Annotation | undefined): boolean {
  if (!stored) return true;
  const a = Date.parse(incoming.at);
  const b = Date.parse(stored.at);
  if (a !== b) return a > b;
  return !sameAnnotation(incoming, stored);
}

/**
 * Merges incoming annotations into the stored ones of their keys: what to write, and the counts.
 * `stored` maps annotationKey to the stored annotation.
 */
export function mergeAnnotations(
  incoming: readonly Annotation[],
  stored: ReadonlyMap<string, Annotation>,
): { write: Annotation[]; result: SaveAnnotationsResult } {
  const current = new Map(stored);
  const write = new Map<string, Annotation>();
  let unchanged = 0;
  for (const a of incoming) {
    const key = annotationKey(a);
    if (!replaces(a, current.get(key))) {
      unchanged++;
      continue;
    }
    current.set(key, a);
    write.set(key, a);
  }
  return { write: [...write.values()], result: { saved: incoming.length - unchanged, unchanged } };
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** The order of every annotation listing: annotator, pass, sample id, item id. */
export function sortAnnotations(list: Annotation[]): Annotation[] {
  return list.sort(
    (x, y) =>
      cmp(x.annotator, y.annotator) ||
      cmp(x.pass, y.pass) ||
      cmp(x.sampleId, y.sampleId) ||
      cmp(x.itemId, y.itemId),
  );
}

export function sortProgress(list: RaterProgress[]): RaterProgress[] {
  return list.sort((x, y) => cmp(x.annotator, y.annotator) || cmp(x.pass, y.pass));
}

export const setNotFound = (id: string) => new NotFoundError(`no annotation set "${id}"`);

/** A stored document read back, validated: damage is a StoreDataError naming the record. */
export function storedDoc<S extends z.ZodType>(schema: S, doc: unknown, where: string): z.output<S> {
  let value: unknown = doc;
  if (typeof doc === 'string') {
    try {
      value = JSON.parse(doc);
    } catch (err) {
      throw new StoreDataError(`${where} is not JSON: ${(err as Error).message}`);
    }
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new StoreDataError(`${where} does not validate`, zodProblems(parsed.error, where));
}

/** An annotation from stored columns (evidence null when absent). */
export function annotationFromRow(
  row: {
    sampleId: unknown;
    itemId: unknown;
    annotator: unknown;
    pass: unknown;
    score: unknown;
    evidence: unknown;
    at: unknown;
  },
  where: string,
): Annotation {
  const { evidence, ...rest } = row;
  return storedDoc(AnnotationSchema, evidence === null || evidence === undefined ? rest : row, where);
}

export type { Annotation, AnnotationSet, CalibrationSample, Judgement };
