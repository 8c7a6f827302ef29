/**
 * Batch mode's side of the client (no I/O): instead of sending a request, LlmClient.call queues
 * it here and throws BatchPending; the driver (batch-api.ts) submits the queued requests as one
 * OpenAI Batch API round, hands the replies back here, and runs the items again, so that each
 * call now finds its reply and validates it exactly as a live reply.
 */
import type { Usage } from './cache.js';
import type { ChatMessage } from './client.js';

/** One line of a Batch API request file (the format vLLM's run_batch reads too). */
export interface BatchRequestLine {
  custom_id: string;
  method: 'POST';
  url: '/v1/chat/completions';
  body: Record<string, unknown>;
}

/** A batch's answer to one request: the reply, or why there is none. */
export type BatchReply = { text: string; usage: Usage; finishReason: string | null } | { error: string };

/**
 * Where a call stands between rounds: the attempt the next request is (0 = first ask), the
 * messages it sends (a re-ask carries the invalid reply and the errors quoted back), and the usage
 * and cost of the earlier attempts. Kept in the batch state file, so a re-ask survives a crash.
 */
export interface CallProgress {
  attempt: number;
  messages: ChatMessage[];
  usage: Usage;
  cost: number;
}

/** Thrown by a call whose request waits for the next batch round; its item is tried again after it. */
export class BatchPending extends Error {
  constructor(readonly label: string) {
    super(`${label}: waits for the batch`);
  }
}

/** A request's custom id: the reply-cache key of the call and the attempt. */
export const batchCustomId = (key: string, attempt: number) => `${key}-${attempt}`;

export class BatchCollector {
  private readonly queued = new Map<string, BatchRequestLine>();
  /** Budget reservations of the queued and submitted requests, released when the replies come. */
  private readonly reservations: (() => void)[] = [];
  private replies = new Map<string, BatchReply>();
  private readonly consumed = new Set<string>();
  private readonly progressOf = new Map<string, CallProgress>();

  /** Calls in progress from a saved state file. */
  restore(progress: Record<string, CallProgress>): void {
    this.progressOf.clear();
    for (const [key, p] of Object.entries(progress)) this.progressOf.set(key, p);
  }

  /** Calls in progress, for the state file. */
  progress(): Record<string, CallProgress> {
    return Object.fromEntries(this.progressOf);
  }

  progressFor(key: string): CallProgress | undefined {
    return this.progressOf.get(key);
  }

  setProgress(key: string, progress: CallProgress): void {
    this.progressOf.set(key, progress);
  }

  finished(key: string): void {
    this.progressOf.delete(key);
  }

  reply(customId: string): BatchReply | undefined {
    return this.replies.get(customId);
  }

  /** True the first time a reply is used: only then is it counted and charged. */
  consume(customId: string): boolean {
    if (this.consumed.has(customId)) return false;
    this.consumed.add(customId);
    return true;
  }

  isQueued(customId: string): boolean {
    return this.queued.has(customId);
  }

  queue(line: BatchRequestLine, release: () => void): void {
    this.queued.set(line.custom_id, line);
    this.reservations.push(release);
  }

  /** The requests queued since the last take, in the order they were queued. */
  take(): BatchRequestLine[] {
    const lines = [...this.queued.values()];
    this.queued.clear();
    return lines;
  }

  /** A round's replies: they replace the previous round's, and reservations are released. */
  receive(replies: ReadonlyMap<string, BatchReply>): void {
    for (const release of this.reservations.splice(0)) release();
    this.replies = new Map(replies);
    this.consumed.clear();
  }
}
