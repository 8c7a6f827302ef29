/**
 * Durable JSON files in a data directory: atomic replace (temp file, fsync, rename) and an
 * inter-process lock, so a process killed mid-write leaves the previous file intact and two
 * writers cannot interleave.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';

export interface FileVersion {
  mtimeMs: number;
  size: number;
}

export async function fileVersion(file: string): Promise<FileVersion | undefined> {
  try {
    const s = await stat(file);
    return { mtimeMs: s.mtimeMs, size: s.size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function sameVersion(a: FileVersion | undefined, b: FileVersion | undefined): boolean {
  return a?.mtimeMs === b?.mtimeMs && a?.size === b?.size;
}

export async function readJson(file: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

/** Replaces `file` with `value` as JSON, atomically: readers see the old or the new file, never a mix. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify(value) + '\n', { fsync: true });
}

/**
 * Runs `fn` while holding the data directory's lock. Waits (with backoff) for another process's
 * lock; a lock whose holder died is taken over after `stale` ms.
 */
export async function withDirLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const release = await lockfile.lock(dir, {
    lockfilePath: path.join(dir, '.lock'),
    stale: 5_000,
    retries: { retries: 200, factor: 1.3, minTimeout: 10, maxTimeout: 250 },
  });
  try {
    return await fn();
  } finally {
    await release();
  }
}
