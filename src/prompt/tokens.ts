/**
 * Token counting with a real BPE tokenizer (gpt-tokenizer): o200k_base for the GPT-4o family by
 * default, cl100k_base for GPT-4 / GPT-3.5. Counts are cached by text, because the same pattern
 * blocks recur across thousands of scenarios in a batch.
 */
import { createRequire } from 'node:module';
import type * as O200k from 'gpt-tokenizer/encoding/o200k_base';

type Tokenizer = typeof O200k;

export const ENCODINGS = ['o200k_base', 'cl100k_base'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const DEFAULT_ENCODING: Encoding = 'o200k_base';

export type TokenCounter = ((text: string) => number) & { readonly encoding: Encoding };

// Prompt text is data, not control: strings such as "<|endoftext|>" are counted as plain text.
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

// Each encoding's tables take 150-200 ms to load; loading on first count (synchronously, through
// the package's CommonJS build) keeps that cost off every CLI command that never counts a token.
const requireFromHere = createRequire(import.meta.url);
const loaded = new Map<Encoding, Tokenizer>();
function tokenizer(encoding: Encoding): Tokenizer {
  let t = loaded.get(encoding);
  if (!t) {
    t = requireFromHere(`gpt-tokenizer/encoding/${encoding}`) as Tokenizer;
    loaded.set(encoding, t);
  }
  return t;
}

// Bounded so that a long batch over a large graph cannot grow the cache without limit.
const CACHE_LIMIT = 50_000;

export function createTokenCounter(encoding: Encoding = DEFAULT_ENCODING): TokenCounter {
  const count = (text: string) => tokenizer(encoding).countTokens(text, AS_PLAIN_TEXT);
  const cache = new Map<string, number>();
  const counter = (text: string): number => {
    if (!text) return 0;
    let n = cache.get(text);
    if (n === undefined) {
      n = count(text);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(text, n);
    }
    return n;
  };
  return Object.assign(counter, { encoding });
}

export function isEncoding(value: string): value is Encoding {
  return (ENCODINGS as readonly string[]).includes(value);
}
