/**
 * The numbers every surface of a use case shares: the zod schemas (and so the API document and
 * its validation), the CLI's flag parsers and help, and the explorer's forms read them from here.
 * This module imports nothing, so the explorer's bundle can take it as it is.
 */
export interface Limit {
  readonly min: number;
  readonly max: number;
}

export const SEED = { min: 0, max: 2 ** 32 - 1, default: 1 } as const;

export const SAMPLE = {
  /** One HTTP request's work is bounded (1,000 scenarios sample in well under a second). */
  n: { min: 1, max: 1000 },
  /** The CLI streams to a file and may ask for far more. */
  nCli: { min: 1, max: 10_000_000 },
  size: { min: 2, max: 8, default: [2, 5] },
  characters: { min: 1, max: 8, default: [2, 2] },
  minTraits: { min: 0, max: 8 },
  minSocial: { min: 0, max: 8 },
} as const;

export const PROMPT = {
  patterns: { min: 1, max: 8 },
  characters: { min: 1, max: 8, default: 2 },
  budget: { min: 1, max: 10_000_000 },
  /** roleplay: the character to play, by index */
  character: { min: 0, max: 100 },
} as const;

export const LISTING = {
  scenarios: { min: 1, max: 1_000_000 },
  /** scenarios one save request may carry */
  save: { min: 0, max: 100_000 },
} as const;

export const LLM = {
  /** judge runs one HTTP request may ask for; the CLI allows more for offline batches */
  runs: { min: 1, max: 5, default: 3 },
  runsCli: { min: 1, max: 20 },
  regenerate: { min: 0, max: 5, default: 2 },
  regenerateCli: { min: 0, max: 10 },
} as const;
