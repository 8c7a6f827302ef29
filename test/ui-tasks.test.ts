/** The explorer's start-up scheduler: each step in its own task, after the next frame, cancellable. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AGAIN, inSeparateTasks } from '../ui/src/graph/tasks.js';

describe('inSeparateTasks', () => {
  let frames: (() => void)[];
  beforeEach(() => {
    vi.useFakeTimers();
    frames = [];
    vi.stubGlobal('requestAnimationFrame', (cb: () => void) => frames.push(cb));
    vi.stubGlobal('cancelAnimationFrame', (id: number) => (frames[id - 1] = () => {}));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('waits for a frame, then runs one step per task, in order', () => {
    const ran: string[] = [];
    inSeparateTasks([() => ran.push('context'), () => ran.push('renderer'), () => ran.push('graph')]);
    vi.runOnlyPendingTimers();
    expect(ran).toEqual([]); // nothing before the frame
    frames[0]!();
    for (const expected of [['context'], ['context', 'renderer'], ['context', 'renderer', 'graph']]) {
      vi.advanceTimersToNextTimer();
      expect(ran).toEqual(expected);
    }
  });

  it('runs nothing more once cancelled, before or between steps', () => {
    const ran: number[] = [];
    const cancelEarly = inSeparateTasks([() => ran.push(1)]);
    cancelEarly();
    frames[0]!();
    vi.runAllTimers();
    expect(ran).toEqual([]);

    const cancel = inSeparateTasks([() => ran.push(2), () => ran.push(3)]);
    frames[1]!();
    vi.advanceTimersToNextTimer();
    cancel();
    vi.runAllTimers();
    expect(ran).toEqual([2]);
  });

  it('runs a step that answers AGAIN once more, in a task of its own, before the next step', () => {
    const ran: string[] = [];
    let slices = 3;
    inSeparateTasks([
      () => (ran.push(`slice ${slices}`), --slices > 0 ? AGAIN : undefined),
      () => ran.push('after'),
    ]);
    frames[0]!();
    for (const expected of [['slice 3'], ['slice 3', 'slice 2'], ['slice 3', 'slice 2', 'slice 1']]) {
      vi.advanceTimersToNextTimer();
      expect(ran).toEqual(expected);
    }
    vi.advanceTimersToNextTimer();
    expect(ran.at(-1)).toBe('after');
  });
});
