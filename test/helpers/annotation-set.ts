/**
 * A small annotation set for tests (what `psygraph calibrate` writes): samples with turns and
 * items, the judge's judgements apart, and a writer for the set directory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AnnotationSet, CalibrationSample, Judgement } from '../../src/llm/index.js';
import type { AnnotationSetInput } from '../../src/store/annotations.js';

const ITEMS = [
  { id: 'p1', level: 'pattern', text: 'She talks over the others to fill every silence.' },
  { id: 'p2', level: 'pattern', text: 'She doubts her own worth when praised.' },
  {
    id: 'm1',
    level: 'scenario',
    text: 'Her chatter escalates as her insecurity grows.',
    relationType: 'CONFLICTS',
  },
] as const;

/** n samples of three items each; the judge scores item i of sample s as ((s + i) % 3) - 1. */
export function makeAnnotationSet(id: string, n = 3): AnnotationSetInput {
  const samples: CalibrationSample[] = Array.from({ length: n }, (_, s) => ({
    id: `sc${s}:Maya`,
    scenarioId: `sc${s}`,
    character: 'Maya',
    motif: 'conflict-pair',
    relationTypes: ['CONFLICTS'],
    patternKinds: ['trait'],
    stratum: 'conflict-pair | CONFLICTS | trait',
    turns: [
      { char: 'Maya', content: `[I have to say something] (leans in) So, about scene ${s}!` },
      { char: 'Omar', content: '(nods) Go on.' },
    ],
    items: ITEMS.map((it) => ({ ...it, character: 'Maya' })),
  }));
  const judgements: Judgement[] = samples.map((sample, s) => ({
    id: sample.id,
    scenarioId: sample.scenarioId,
    motif: 'conflict-pair',
    model: 'writer',
    judgeModel: 'judge',
    character: 'Maya',
    runs: [
      sample.items.map((item, i) => ({
        ...item,
        score: (((s + i) % 3) - 1) as -1 | 0 | 1,
        evidence: i === 0 ? 'So, about scene' : '',
      })),
    ],
  }));
  const set: AnnotationSet = {
    format: 'psygraph-annotation-set',
    version: 1,
    seed: 1,
    n,
    createdAt: '2026-01-02T03:04:05.000Z',
    strata: { 'conflict-pair | CONFLICTS | trait': { available: n, drawn: n } },
  };
  return { id, set, samples, judgements };
}

/** Writes the set as a directory: set.json, samples.jsonl, judge.jsonl. */
export async function writeAnnotationSetDir(dir: string, input: AnnotationSetInput): Promise<string> {
  await mkdir(dir, { recursive: true });
  const jsonl = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
  await writeFile(path.join(dir, 'samples.jsonl'), jsonl(input.samples));
  await writeFile(path.join(dir, 'judge.jsonl'), jsonl(input.judgements));
  await writeFile(path.join(dir, 'set.json'), JSON.stringify(input.set, null, 2) + '\n');
  return dir;
}
