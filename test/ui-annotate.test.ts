/** The Annotate view's pure state: where to resume, moving, keys, and its place in the address bar. */
import { describe, expect, it } from 'vitest';
import {
  firstUnscored,
  itemKey,
  keyAction,
  scatterScale,
  stepItem,
  stepSample,
} from '../ui/src/state/annotate.js';
import { DEFAULT_VIEW, parseView, serializeView } from '../ui/src/state/url.js';
import { makeAnnotationSet } from './helpers/annotation-set.js';

const { samples } = makeAnnotationSet('calib', 3);

describe('annotate state', () => {
  it('resumes at the first unscored item, in sample then item order, or null when all are scored', () => {
    expect(firstUnscored(samples, new Set())).toEqual({ sample: 0, item: 0 });
    const scored = new Set([itemKey('sc0:Maya', 'p1'), itemKey('sc0:Maya', 'p2'), itemKey('sc0:Maya', 'm1')]);
    expect(firstUnscored(samples, scored)).toEqual({ sample: 1, item: 0 });
    scored.add(itemKey('sc1:Maya', 'p1')).add(itemKey('sc1:Maya', 'm1'));
    expect(firstUnscored(samples, scored)).toEqual({ sample: 1, item: 1 });
    const all = new Set(samples.flatMap((s) => s.items.map((i) => itemKey(s.id, i.id))));
    expect(firstUnscored(samples, all)).toBeNull();
  });

  it('moves across samples by item and by sample, clamped to the set', () => {
    expect(stepItem(samples, { sample: 0, item: 2 }, 1)).toEqual({ sample: 1, item: 0 });
    expect(stepItem(samples, { sample: 1, item: 0 }, -1)).toEqual({ sample: 0, item: 2 });
    expect(stepItem(samples, { sample: 2, item: 2 }, 1)).toEqual({ sample: 2, item: 2 });
    expect(stepItem(samples, { sample: 0, item: 0 }, -1)).toEqual({ sample: 0, item: 0 });
    expect(stepSample(samples, { sample: 1, item: 2 }, 1)).toEqual({ sample: 2, item: 0 });
    expect(stepSample(samples, { sample: 2, item: 1 }, 1)).toEqual({ sample: 2, item: 0 });
    expect(stepSample(samples, { sample: 0, item: 1 }, -1)).toEqual({ sample: 0, item: 0 });
  });

  it('maps keys to scores and moves, and ignores others', () => {
    expect(['1', 'y', '0', ' ', '-', 'x'].map((k) => keyAction(k))).toEqual(
      [1, 1, 0, 0, -1, -1].map((score) => ({ kind: 'score', score })),
    );
    expect(keyAction('j')).toEqual({ kind: 'item', step: 1 });
    expect(keyAction('ArrowUp')).toEqual({ kind: 'item', step: -1 });
    expect(keyAction('n')).toEqual({ kind: 'sample', step: 1 });
    expect(keyAction('p')).toEqual({ kind: 'sample', step: -1 });
    expect(keyAction('e')).toEqual({ kind: 'evidence' });
    expect(keyAction('q')).toBeNull();
  });

  it('scales sample scores onto the scatter', () => {
    const s = scatterScale(240, 20);
    expect([s(-1), s(0), s(1)]).toEqual([20, 120, 220]);
  });

  it('keeps the mode and the set in the address bar, and leaves them out by default', () => {
    expect(serializeView(DEFAULT_VIEW)).toBe('');
    const view = { ...DEFAULT_VIEW, mode: 'annotate' as const, annotationSet: 'calib' };
    const search = serializeView(view);
    expect(search).toBe('?mode=annotate&aset=calib');
    expect(parseView(search)).toEqual(view);
    expect(parseView('?mode=bogus').mode).toBe('explore');
  });
});
