import { describe, expect, it } from 'vitest';
import { StoreDataError } from '../src/model/index.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { makePattern, miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { startApi } from './helpers/api.js';
import { runCli } from './helpers/cli.js';
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
      // damaged stored data is the store's problem, not the caller's (exit 1, HTTP 500)
      expect(err).toBeInstanceOf(StoreDataError);
      expect((err as StoreDataError).callerFault).toBe(false);
      expect((err as Error).message).toContain('graph.json');
      // a record that does not validate is named with its field
      await writeFile(
        path.join(dataDir, 'graph.json'),
        JSON.stringify({
          format: 'psygraph.graph',
          patterns: [{ id: 'broken' }],
          relations: [],
          situations: [],
        }),
      );
      const cli = await runCli(['--data-dir', dataDir, '--seed-dir', seedDir, 'stats']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/graph\.json is invalid/);
      expect(cli.stderr).toMatch(/graph\.json: \[0\]\./);
    } finally {
      await cleanup();
    }
  });

  it('answers HTTP 500 store_data_invalid, naming the file, when its data file is damaged under it', async () => {
    const api = await startApi();
    try {
      await api.store.deletePatterns(['talkative']); // the store now keeps its own graph.json
      await writeFile(
        path.join(api.dir, 'data', 'graph.json'),
        JSON.stringify({
          format: 'psygraph.graph',
          patterns: [{ id: 'broken' }],
          relations: [],
          situations: [],
        }),
      );
      const res = await fetch(`${api.base}/api/stats`);
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('store_data_invalid');
      expect(body.error.message).toContain('graph.json');
    } finally {
      await api.stop();
    }
  });
});
