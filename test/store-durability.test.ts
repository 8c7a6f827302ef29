/**
 * Real processes against one data directory: SIGKILL in the middle of writing must leave a
 * readable store, and two concurrent writers must not lose each other's writes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.js';
import { miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { tempDir } from './helpers/tmp.js';

const WRITER = fileURLToPath(new URL('./helpers/writer-loop.ts', import.meta.url));

function startWriter(dataDir: string, seedDir: string, tag: string, count: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, seedDir, tag, count], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function waitForWrites(child: ChildProcess, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('wrote')).length;
      if (seen >= n) resolve();
    });
    child.on('exit', (code) =>
      seen >= n ? resolve() : reject(new Error(`writer exited with ${code} after ${seen} writes`)),
    );
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve),
  );

describe('memory store under real processes', () => {
  it('survives SIGKILL in the middle of writing, again and again', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      let previous = 0;
      for (let round = 0; round < 4; round++) {
        const child = startWriter(dataDir, seedDir, `round${round}`, 'forever');
        await waitForWrites(child, 3 + round * 2);
        child.kill('SIGKILL');
        await exited(child);
        const store = await MemoryStore.open({ dataDir, seedDir });
        const stats = await store.stats();
        // Everything acknowledged before the kill is there; the graph is whole and readable.
        expect(stats.patterns).toBeGreaterThan(6 + previous);
        expect(stats.scenarios).toBeGreaterThanOrEqual(stats.patterns - 6 - 1);
        previous = stats.patterns - 6;
      }
    } finally {
      await cleanup();
    }
  });

  it('two concurrent writers lose none of each other’s writes', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      const a = startWriter(dataDir, seedDir, 'alpha', '15');
      const b = startWriter(dataDir, seedDir, 'beta', '15');
      expect(await Promise.all([exited(a), exited(b)])).toEqual([0, 0]);
      const store = await MemoryStore.open({ dataDir, seedDir });
      const stats = await store.stats();
      expect(stats.patterns).toBe(6 + 30);
      expect(stats.scenarios).toBe(30);
    } finally {
      await cleanup();
    }
  });
});
