/**
 * Retries with exponential backoff on rate limits (429), server errors (5xx) and timeouts. The
 * openai client's own retries are switched off so that every retry is ours: bounded, logged, and
 * testable against the fake server.
 */
import OpenAI from 'openai';

export interface RetryPolicy {
  retries: number;
  /** First wait; each further retry doubles it. */
  baseMs: number;
  /** Upper bound for one wait, including a server's retry-after. */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseMs: 500, maxMs: 30_000 };

/** Why an error is worth another try, or undefined when it is not (bad request, bad key, …). */
export function retryReason(err: unknown): string | undefined {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return 'timeout';
  if (err instanceof OpenAI.APIConnectionError) return 'connection error';
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    if (err.status === 429) return 'rate limited (429)';
    if (err.status >= 500) return `server error (${err.status})`;
  }
  return undefined;
}

function retryAfterMs(err: unknown): number | undefined {
  if (!(err instanceof OpenAI.APIError)) return undefined;
  const value = err.headers?.get('retry-after');
  const seconds = value ? Number(value) : NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetries<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  log: (line: string) => void,
  what: string,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const reason = retryReason(err);
      if (!reason || attempt >= policy.retries) throw err;
      const backoff = policy.baseMs * 2 ** attempt;
      const wait = Math.min(policy.maxMs, Math.max(backoff, retryAfterMs(err) ?? 0));
      log(`llm: ${what}: ${reason}; retry ${attempt + 1}/${policy.retries} in ${wait} ms`);
      await sleep(wait);
    }
  }
}
