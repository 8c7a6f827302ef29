/**
 * The Annotate view's pure parts: where an annotator stands in a set, what to resume at, and the
 * keys it answers to. No I/O (the state class in annotate.svelte.ts does the calls).
 */
import type { AnnotationScore, CalibrationSample } from '../api/index.js';

export const itemKey = (sampleId: string, itemId: string) => `${sampleId}\u0000${itemId}`;

export interface Position {
  sample: number;
  item: number;
}

/** Every item of the set, in order: sample by sample, item by item. */
export function positions(samples: readonly CalibrationSample[]): Position[] {
  return samples.flatMap((s, sample) => s.items.map((_, item) => ({ sample, item })));
}

/** Where to resume: the first item not scored yet, or null when every item is. */
export function firstUnscored(
  samples: readonly CalibrationSample[],
  scored: ReadonlySet<string> | ReadonlyMap<string, unknown>,
): Position | null {
  for (const p of positions(samples)) {
    const s = samples[p.sample]!;
    if (!scored.has(itemKey(s.id, s.items[p.item]!.id))) return p;
  }
  return null;
}

/** The position `step` items on (or back), across samples, clamped to the set. */
export function stepItem(samples: readonly CalibrationSample[], at: Position, step: number): Position {
  const all = positions(samples);
  const i = all.findIndex((p) => p.sample === at.sample && p.item === at.item);
  return all[Math.min(all.length - 1, Math.max(0, i + step))] ?? at;
}

/** The first item of the sample `step` samples on (or back), clamped. */
export function stepSample(samples: readonly CalibrationSample[], at: Position, step: number): Position {
  const sample = Math.min(samples.length - 1, Math.max(0, at.sample + step));
  return { sample, item: 0 };
}

export const SCORE_LABEL: Record<AnnotationScore, string> = { 1: '✓', 0: '·', [-1]: '✗' } as Record<
  AnnotationScore,
  string
>;
export const SCORE_NAME: Record<AnnotationScore, string> = {
  1: 'shown',
  0: 'not shown',
  [-1]: 'the opposite',
} as Record<AnnotationScore, string>;

/** What a key does in the Annotate view (outside text boxes). */
export type KeyAction =
  | { kind: 'score'; score: AnnotationScore }
  | { kind: 'item'; step: number }
  | { kind: 'sample'; step: number }
  | { kind: 'evidence' };

export function keyAction(key: string): KeyAction | null {
  switch (key) {
    case '1':
    case 'y':
      return { kind: 'score', score: 1 };
    case '0':
    case ' ':
      return { kind: 'score', score: 0 };
    case '-':
    case 'x':
      return { kind: 'score', score: -1 };
    case 'j':
    case 'ArrowDown':
      return { kind: 'item', step: 1 };
    case 'k':
    case 'ArrowUp':
      return { kind: 'item', step: -1 };
    case 'n':
    case 'ArrowRight':
      return { kind: 'sample', step: 1 };
    case 'p':
    case 'ArrowLeft':
      return { kind: 'sample', step: -1 };
    case 'e':
      return { kind: 'evidence' };
    default:
      return null;
  }
}

/** The scatter's axis mapping: a sample score in [-1, 1] to a pixel in [pad, size - pad]. */
export function scatterScale(size: number, pad: number): (v: number) => number {
  return (v) => pad + ((v + 1) / 2) * (size - 2 * pad);
}
