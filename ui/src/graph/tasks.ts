/**
 * Start-up work split over tasks: the browser paints and handles input between them, so no
 * single step holds the main thread for long (the explorer bench measures the longest task).
 */

// The two browser functions used, declared here so that this file also type-checks without the
// DOM library (the unit tests import it from Node, with the functions stubbed).
declare function requestAnimationFrame(callback: () => void): number;
declare function cancelAnimationFrame(handle: number): void;

/** Runs each step in a task of its own, starting after the next frame; returns a cancel. */
export function inSeparateTasks(steps: readonly (() => void)[]): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const next = (i: number) => {
    if (i < steps.length)
      timer = setTimeout(() => {
        steps[i]!();
        next(i + 1);
      });
  };
  const frame = requestAnimationFrame(() => next(0));
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
