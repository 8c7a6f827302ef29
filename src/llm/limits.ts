/** Concurrency and spending limits shared by every call of one run. */
import { PsygraphError } from '../model/index.js';

/** A counting semaphore: at most `size` holders at once, the rest wait in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** The next call would take spending past --max-cost; nothing was sent. */
export class BudgetExceededError extends PsygraphError {
  readonly code = 'budget_exceeded';
  readonly callerFault = true;
}

/**
 * Spending so far plus reservations for calls in flight. A call reserves its worst case (prompt
 * tokens + max_tokens) before it is sent, so parallel calls cannot together overshoot the limit.
 */
export class CostBudget {
  spent = 0;
  private reserved = 0;

  constructor(readonly max: number | undefined) {}

  reserve(estimate: number): () => void {
    if (this.max !== undefined && this.spent + this.reserved + estimate > this.max) {
      throw new BudgetExceededError(
        `--max-cost: the next call (up to $${estimate.toFixed(4)}) would take spending past $${this.max} (spent $${this.spent.toFixed(4)}); stopped before sending it`,
      );
    }
    this.reserved += estimate;
    let released = false;
    return () => {
      if (!released) this.reserved -= estimate;
      released = true;
    };
  }

  charge(cost: number): void {
    this.spent += cost;
  }
}

/** In --dry-run a call stops here instead of being sent; its estimate is what it would cost. */
export class DryRunStop extends Error {
  constructor(readonly estimate: number) {
    super('dry run: not sent');
  }
}
