import { describe, expect, it } from 'vitest';
import { StoreDataError } from '../src/model/index.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { makePattern, miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { startApi } from './helpers/api.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { describeStoreContract } from './store-contract.js';
import Database from 'better-sqlite3';
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

  it('reports a damaged record by database and id instead of serving half a graph', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      const store = await MemoryStore.open({ dataDir, seedDir });
      await store.deletePatterns(['quiet']);
      await store.close();
      damage(path.join(dataDir, 'psygraph.db'), (db) => {
        db.prepare('UPDATE patterns SET doc = \'{"id": "talkative"\' WHERE id = \'talkative\'').run();
        db.prepare("UPDATE counters SET n = n + 1 WHERE name = 'graph_revision'").run();
      });
      const err = await MemoryStore.open({ dataDir, seedDir }).catch((e: unknown) => e);
      // damaged stored data is the store's problem, not the caller's (exit 1, HTTP 500)
      expect(err).toBeInstanceOf(StoreDataError);
      expect((err as StoreDataError).callerFault).toBe(false);
      expect((err as Error).message).toMatch(/psygraph\.db \(pattern "talkative"\) is not JSON/);
      // a record that does not validate is named with its field
      damage(path.join(dataDir, 'psygraph.db'), (db) => {
        db.prepare('UPDATE patterns SET doc = \'{"id": "talkative"}\' WHERE id = \'talkative\'').run();
      });
      const cli = await runCli(['--data-dir', dataDir, '--seed-dir', seedDir, 'stats']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/psygraph\.db holds an invalid graph/);
      expect(cli.stderr).toMatch(/psygraph\.db \(pattern "talkative"\): \[0\]\./);
    } finally {
      await cleanup();
    }
  });

  it('answers HTTP 500 store_data_invalid, naming the database and record, when a record is damaged under it', async () => {
    const api = await startApi();
    try {
      await api.store.saveScenarios([
        {
          id: 'one',
          patterns: ['talkative'],
          relations: [],
          motif: null,
          situation: 'adversity',
          characters: [{ role: 'protagonist', patterns: ['talkative'] }],
          strategy: 'manual',
          seed: 1,
          graphHash: 'x',
        },
      ]);
      damage(path.join(api.dir, 'data', 'psygraph.db'), (db) => {
        db.prepare('UPDATE scenarios SET doc = \'{"id": "one"}\' WHERE id = \'one\'').run();
      });
      const res = await fetch(`${api.base}/api/scenarios/one`);
      expect(res.status).toBe(500);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('store_data_invalid');
      expect(body.error.message).toMatch(/psygraph\.db holds an invalid scenario "one"/);
    } finally {
      await api.stop();
    }
  });
});

/** Changes the database behind the store's back, as another program (or a disk fault) would. */
function damage(file: string, change: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    change(db);
  } finally {
    db.close();
  }
}
