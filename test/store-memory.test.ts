import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../src/model/index.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { makePattern, miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { tempDir } from './helpers/tmp.js';
import { describeStoreContract } from './store-contract.js';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

describeStoreContract('memory', async () => {
  const { dir, cleanup } = await tempDir();
  const seedDir = await writeSeedDir(path.join(dir, 'seed'), { patterns: [], relations: [], situations: [] });
  const store = await MemoryStore.open({ dataDir: path.join(dir, 'data'), seedDir });
  return { store, cleanup };
});

describe('MemoryStore durability', () => {
  it('serves the seed until the first edit, then its own data file', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      const store = await MemoryStore.open({ dataDir, seedDir });
      expect((await store.stats()).patterns).toBe(6);
      await store.upsertPatterns([
        makePattern('shy', { kind: 'trait', dimension: 'extraversion', pole: '-' }),
      ]);
      const reopened = await MemoryStore.open({ dataDir, seedDir });
      expect((await reopened.stats()).patterns).toBe(7);
    } finally {
      await cleanup();
    }
  });

  it('sees writes made by another store instance on the same directory', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      const a = await MemoryStore.open({ dataDir, seedDir });
      const b = await MemoryStore.open({ dataDir, seedDir });
      await a.deletePatterns(['quiet']);
      await b.deletePatterns(['conformity']);
      const stats = await a.stats();
      expect(stats.patterns).toBe(4);
    } finally {
      await cleanup();
    }
  });

  it('reports a damaged data file by name instead of serving half a graph', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      const store = await MemoryStore.open({ dataDir, seedDir });
      await store.deletePatterns(['quiet']);
      await writeFile(path.join(dataDir, 'graph.json'), '{"format":"psygraph.graph","patterns": [');
      const err = await MemoryStore.open({ dataDir, seedDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as Error).message).toContain('graph.json');
    } finally {
      await cleanup();
    }
  });
});
