/**
 * Content-addressed cache of validated replies: <dir>/<sha256 of model+messages+schema>.json. Only
 * replies that passed validation are written, atomically, so a re-run costs nothing and a crash
 * never leaves half an entry.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { canonicalJson, sha256 } from '../model/index.js';

export const UsageSchema = z.strictObject({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

const EntrySchema = z.strictObject({
  key: z.string(),
  model: z.string(),
  value: z.unknown(),
  usage: UsageSchema,
  createdAt: z.string(),
});
export type CacheEntry = z.infer<typeof EntrySchema>;

export interface CacheKeyInput {
  model: string;
  messages: readonly { role: string; content: string }[];
  /** The reply's JSON schema, or the name of the text format it is parsed with. */
  schema: unknown;
  /** Tells apart calls that are meant to differ, e.g. judge run 2 from run 1. */
  variant?: string | number;
}

export function cacheKey(input: CacheKeyInput): string {
  return sha256(canonicalJson(input));
}

export class ReplyCache {
  constructor(readonly dir: string | undefined) {}

  async get(key: string): Promise<CacheEntry | undefined> {
    if (!this.dir) return undefined;
    let text: string;
    try {
      text = await readFile(path.join(this.dir, `${key}.json`), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = EntrySchema.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.key === key ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async put(entry: CacheEntry): Promise<void> {
    if (!this.dir) return;
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(path.join(this.dir, `${entry.key}.json`), JSON.stringify(entry) + '\n');
  }
}
