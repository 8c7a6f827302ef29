/** Provenance of an output line: model, a hash of its prompts, summed token usage, time. */
import { type Scenario, sha256 } from '../model/index.js';
import type { Usage } from './cache.js';
import type { CallResult } from './client.js';

export type Provenance = NonNullable<Scenario['provenance']>;

export function provenanceOf(
  calls: readonly CallResult<unknown>[],
  model: string,
): NonNullable<Scenario['provenance']> {
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  for (const c of calls) {
    usage.promptTokens += c.usage.promptTokens;
    usage.completionTokens += c.usage.completionTokens;
  }
  return {
    model,
    promptHash:
      calls.length === 1
        ? calls[0]!.promptHash
        : sha256(calls.map((c) => c.promptHash).join(':')).slice(0, 16),
    usage,
    createdAt: new Date().toISOString(),
  };
}
