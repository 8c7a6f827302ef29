/**
 * The batch runner: items in, one JSON line out per finished item, appended as soon as it is done.
 * A re-run reads the output first and skips ids already there (a line torn by a crash is dropped),
 * so nothing finished is redone and nothing is lost. A bad reply fails its item, which a re-run
 * tries again; it is never written.
 */
import { appendFile } from 'node:fs/promises';
import { type LineGroup, resumeOutput } from '../resume.js';
import { BudgetExceededError, DryRunStop } from './limits.js';
import { InvalidReplyError, TruncatedReplyError } from './errors.js';

/** The LLM steps' outputs: one JSON line per finished item, under its id. */
const oneLinePerItem: LineGroup = (value) => {
  if (typeof value.id !== 'string') throw 'a line without a string "id"';
  return { id: value.id, lines: 1 };
};

/** Ids already in `out`; a torn last line is cut off the file. */
export async function resumeItems(out: string): Promise<{ done: Set<string>; dropped: boolean }> {
  const plan = await resumeOutput(out, '--out', oneLinePerItem);
  return { done: plan.done, dropped: plan.dropped > 0 };
}

export interface BatchItem {
  id: string;
}

export interface BatchOptions<I extends BatchItem> {
  label: string;
  items: readonly I[];
  out: string;
  concurrency: number;
  /** The line to append for an item; its `id` must be the item's id. */
  work: (item: I) => Promise<{ id: string }>;
  log: (line: string) => void;
  /** Called after every item; without it a progress line goes to `log`. */
  onProgress?: (progress: BatchProgress) => void;
  /** Calls one item makes, for the --dry-run estimate (which stops at each item's first call). */
  callsPerItem?: (item: I) => number;
  spent?: () => number;
  /**
   * Errors that put an item off rather than fail it (batch mode: its request waits for the next
   * round); such an item is neither written nor counted as failed, and a later run picks it up.
   */
  deferred?: (err: unknown) => boolean;
}

export interface BatchProgress {
  label: string;
  finished: number;
  total: number;
  skipped: number;
  failed: number;
  cost: number;
  etaMs: number;
}

export interface BatchSummary {
  total: number;
  skipped: number;
  written: number;
  failed: number;
  /** Of the failed: replies cut off at the token limit. */
  truncated: number;
  estimate: number;
  /** Items put off (see BatchOptions.deferred). */
  deferred: number;
  stoppedBy?: BudgetExceededError;
}

const clock = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export async function runBatch<I extends BatchItem>(options: BatchOptions<I>): Promise<BatchSummary> {
  const { done, dropped } = await resumeItems(options.out);
  if (dropped)
    options.log(`${options.label}: dropped a torn last line of ${options.out} (an interrupted run)`);
  const todo = options.items.filter((i) => !done.has(i.id));
  const summary: BatchSummary = {
    total: options.items.length,
    skipped: options.items.length - todo.length,
    written: 0,
    failed: 0,
    truncated: 0,
    estimate: 0,
    deferred: 0,
  };
  const started = Date.now();
  let next = 0;
  let fatal: unknown;
  const progress = () => {
    const finished = summary.written + summary.failed;
    const etaMs = finished ? ((Date.now() - started) / finished) * (todo.length - finished) : 0;
    const cost = options.spent?.() ?? 0;
    if (options.onProgress)
      options.onProgress({
        label: options.label,
        finished: summary.skipped + finished,
        total: summary.total,
        skipped: summary.skipped,
        failed: summary.failed,
        cost,
        etaMs,
      });
    else
      options.log(
        `${options.label}: ${summary.skipped + finished}/${summary.total} (${summary.skipped} resumed, ${summary.failed} failed) $${cost.toFixed(4)} ETA ${clock(etaMs)}`,
      );
  };
  const worker = async () => {
    while (next < todo.length && !summary.stoppedBy && fatal === undefined) {
      const item = todo[next++]!;
      try {
        const line = await options.work(item);
        await appendFile(options.out, JSON.stringify(line) + '\n');
        summary.written++;
      } catch (err) {
        if (options.deferred?.(err)) {
          summary.deferred++;
          continue;
        }
        if (err instanceof DryRunStop) {
          summary.estimate += err.estimate * (options.callsPerItem?.(item) ?? 1);
          continue;
        }
        if (err instanceof BudgetExceededError) summary.stoppedBy ??= err;
        else if (err instanceof InvalidReplyError) {
          summary.failed++;
          if (err instanceof TruncatedReplyError) summary.truncated++;
          options.log(`${options.label}: ${item.id} failed: ${err.message}`);
        } else fatal ??= err;
      }
      if (fatal === undefined) progress();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  if (fatal !== undefined) throw fatal;
  return summary;
}
