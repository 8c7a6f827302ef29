/**
 * The HumanLLM release's per-pattern files, mapped to our ids: patterns_data.json (their pattern
 * texts, keyed by lowercase name) and pattern_level_checklist.json (their 12–15 indicators per
 * pattern; the container is unknown, so an array of entries and an object keyed by name are both
 * read). Kept beside our catalog for comparison, never merged into it.
 */
import { type InputProblem, type SourceFile, zodProblems } from '../model/index.js';
import { HumanllmChecklistEntrySchema, HumanllmPatternEntrySchema } from './humanllm-schema.js';

export type NameResolver = (name: string) => string | undefined;

export interface ImportedPatternText {
  id: string;
  name: string;
  description: string;
  coreMechanisms?: string;
  realWorldManifestation?: string;
  sources?: string[];
}

export interface ImportedChecklist {
  id: string;
  name: string;
  items: { question: string; evidenceStatus?: string }[];
  caseReview?: string;
  notes?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Entries of an array, or the values of an object keyed by name. */
const entriesOf = (data: unknown): unknown[] =>
  Array.isArray(data) ? data : isRecord(data) ? Object.values(data) : [];

export function isChecklistFile(data: unknown): boolean {
  const first = entriesOf(data)[0];
  return isRecord(first) && 'checklist' in first && !('pattern' in first);
}

export function isPatternsDataFile(data: unknown): boolean {
  if (!isRecord(data)) return false;
  const first = Object.values(data)[0];
  return isRecord(first) && ('description' in first || 'construct_name' in first);
}

const NUMBERING = /^\s*\d+[.)]\s*/;

export function importPatternTexts(
  file: SourceFile,
  resolve: NameResolver,
  problems: InputProblem[],
): ImportedPatternText[] {
  return Object.entries(file.data as Record<string, unknown>).flatMap(([key, raw], index) => {
    const parsed = HumanllmPatternEntrySchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, file.file, [index]));
      return [];
    }
    const e = parsed.data;
    const name = e.construct_name ?? key;
    const id = resolve(name);
    if (!id) {
      problems.push({
        file: file.file,
        path: `[${index}].${e.construct_name ? 'construct_name' : '(key)'}`,
        message: `unknown pattern "${name}"`,
      });
      return [];
    }
    return [
      {
        id,
        name,
        description: e.description,
        ...(e.core_mechanisms ? { coreMechanisms: e.core_mechanisms } : {}),
        ...(e.real_world_manifestation ? { realWorldManifestation: e.real_world_manifestation } : {}),
        ...(e.source ? { sources: e.source } : {}),
      },
    ];
  });
}

export function importChecklists(
  file: SourceFile,
  resolve: NameResolver,
  problems: InputProblem[],
): ImportedChecklist[] {
  return entriesOf(file.data).flatMap((raw, index) => {
    const parsed = HumanllmChecklistEntrySchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(parsed.error, file.file, [index]));
      return [];
    }
    const e = parsed.data;
    const id = resolve(e.trait);
    if (!id) {
      problems.push({ file: file.file, path: `[${index}].trait`, message: `unknown pattern "${e.trait}"` });
      return [];
    }
    const items = e.checklist.map((item) =>
      typeof item === 'string'
        ? { question: item.replace(NUMBERING, '').trim() }
        : {
            question: item.question.replace(NUMBERING, '').trim(),
            ...(item.evidence_status ? { evidenceStatus: item.evidence_status } : {}),
          },
    );
    return [
      {
        id,
        name: e.trait,
        items,
        ...(e.case_review ? { caseReview: e.case_review } : {}),
        ...(e.notes ? { notes: e.notes } : {}),
      },
    ];
  });
}
