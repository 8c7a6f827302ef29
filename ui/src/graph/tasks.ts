/**
 * Start-up work split over tasks: the browser paints and handles input between them, so no
 * single step holds the main thread for long (the explorer bench measures the longest task).
 */

// The two browser functions used, declared here so that this file also type-checks without the
// DOM library (the unit tests import it from Node, with the functions stubbed).
declare function requestAnimationFrame(callback: () => void): number;
declare function cancelAnimationFrame(handle: number): void;

/** What a step returns to be run again, in the next task (a long job cut into slices). */
export const AGAIN: unique symbol = Symbol('again');

/** A step of start-up work; what it returns is ignored unless it is AGAIN. */
export type Step = () => unknown;

/** Runs each step in a task of its own, starting after the next frame; returns a cancel. */
export function inSeparateTasks(steps: readonly Step[]): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const next = (i: number) => {
    if (i < steps.length)
      timer = setTimeout(() => {
        next(steps[i]!() === AGAIN ? i : i + 1);
      });
  };
  const frame = requestAnimationFrame(() => next(0));
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

/** Resolves in a task of its own: `await nextTask()` lets the browser paint and handle input. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve));
}
