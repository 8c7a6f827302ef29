/**
 * The embedded store's database file: migration of a JSON-file data directory, and refusal of a
 * file that is not a psygraph database (CLI exit 1, HTTP 503), never overwritten.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type Catalog, type Scenario, StoreDataError, StoreIncompatibleError } from '../src/model/index.js';
import { type GraphStore, savedScenarioIds } from '../src/store/graph-store.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { SCHEMA_VERSION } from '../src/store/sqlite-db.js';
import { startApi } from './helpers/api.js';
import { makePattern, miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { makeAnnotationSet } from './helpers/annotation-set.js';

function draft(id: string, patterns: string[], situation = 'adversity'): Scenario {
  return {
    id,
    patterns,
    relations: [],
    motif: null,
    situation,
    characters: [{ role: 'protagonist', patterns }],
    strategy: 'manual',
    seed: 7,
    graphHash: 'h1',
  };
}

/** A written scenario: every optional field the schema holds today. */
function written(id: string): Scenario {
  return {
    ...draft(id, ['talkative', 'quiet'], 'home-and-private-life'),
    motif: 'conflict-pair',
    characters: [
      { role: 'protagonist', patterns: ['talkative'], name: 'Ana' },
      { role: 'supporting', patterns: ['quiet'], name: 'Ben' },
    ],
    storyBackground: 'A kitchen, late. «Ünïcode» and "quotes".',
    charactersProfiles: { Ana: { age: 34, notes: ['a', null, 1.5] }, Ben: {} },
    analysis: 'Ana fills the silence Ben leaves.',
    conversation: [
      { char: 'Ana', content: 'So?' },
      { char: 'Ben', content: '' },
    ],
    conversation_checklist: { Ana: ['talks first'], Ben: [] },
    provenance: {
      model: 'fake',
      promptHash: 'abc',
      usage: { promptTokens: 10, completionTokens: 20 },
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  };
}

/** A data directory as the JSON-file store left it. */
async function writeLegacyDir(dataDir: string, catalog: Catalog, scenarios: unknown[]): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dataDir, { recursive: true });
  await writeFile(
    path.join(dataDir, 'graph.json'),
    JSON.stringify({ format: 'psygraph.graph', version: 1, ...catalog }) + '\n',
  );
  await writeFile(
    path.join(dataDir, 'scenarios.json'),
    JSON.stringify({ format: 'psygraph.scenarios', version: 1, scenarios }) + '\n',
  );
}

const sha = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

function legacyCatalog(): Catalog {
  const catalog = miniCatalog();
  catalog.patterns.push(makePattern('shy', { kind: 'trait', dimension: 'extraversion', pole: '-' }));
  return catalog;
}

const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('migrating a JSON-file data directory', () => {
  it('moves graph and scenarios into the database losslessly, then renames the old files', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      const catalog = legacyCatalog();
      const scenarios = [
        written('w-1'),
        draft('d-2', ['talkative']),
        draft('d-1', ['quiet'], 'home-and-private-life'),
      ];
      await writeLegacyDir(dataDir, catalog, scenarios);
      const before = {
        graph: await sha(path.join(dataDir, 'graph.json')),
        scenarios: await sha(path.join(dataDir, 'scenarios.json')),
      };

      const store = await MemoryStore.open({ dataDir, seedDir });
      const snap = await store.snapshot();
      expect(snap).toEqual({
        patterns: byId(catalog.patterns),
        relations: byId(catalog.relations),
        situations: byId(catalog.situations),
      });
      expect(await store.listScenarios()).toEqual(byId(scenarios));
      expect(await store.getScenario('w-1')).toEqual(written('w-1'));
      expect((await store.stats()).scenarios).toBe(3);
      expect((await store.stats()).patterns).toBe(7);
      await store.close();

      // the old files are kept, byte for byte, under *.migrated; nothing reads them again
      expect(existsSync(path.join(dataDir, 'graph.json'))).toBe(false);
      expect(existsSync(path.join(dataDir, 'scenarios.json'))).toBe(false);
      expect(await sha(path.join(dataDir, 'graph.json.migrated'))).toBe(before.graph);
      expect(await sha(path.join(dataDir, 'scenarios.json.migrated'))).toBe(before.scenarios);
      const db = new Database(path.join(dataDir, 'psygraph.db'), { readonly: true });
      const record = JSON.parse(
        db.prepare("SELECT value FROM meta WHERE key = 'migrated_from_json'").pluck().get() as string,
      ) as Record<string, unknown>;
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      db.close();
      expect(record).toMatchObject({
        files: ['graph.json', 'scenarios.json'],
        patterns: 7,
        relations: catalog.relations.length,
        situations: 2,
        scenarios: 3,
      });

      // reopening does not import again
      const again = await MemoryStore.open({ dataDir, seedDir });
      expect((await again.stats()).scenarios).toBe(3);
      await again.close();
    } finally {
      await cleanup();
    }
  });

  it('migrates a directory that only has scenarios.json, and keeps serving the seed', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      await writeLegacyDir(dataDir, miniCatalog(), [draft('d-1', ['talkative'])]);
      await rename(path.join(dataDir, 'graph.json'), path.join(dir, 'elsewhere.json'));
      const cli = await runCli(['--data-dir', dataDir, '--seed-dir', seedDir, 'stats', '--json']);
      expect(cli.stderr).toBe('');
      expect(cli.code).toBe(0);
      expect(JSON.parse(cli.stdout)).toMatchObject({ patterns: 6, scenarios: 1 });
      expect(existsSync(path.join(dataDir, 'scenarios.json.migrated'))).toBe(true);
      expect(existsSync(path.join(dataDir, 'graph.json.migrated'))).toBe(false);
    } finally {
      await cleanup();
    }
  });

  it('leaves the old files untouched and commits nothing when the migration fails', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      const good = [draft('d-1', ['talkative'])];
      await writeLegacyDir(dataDir, legacyCatalog(), [...good, { ...draft('d-2', ['quiet']), seed: 'x' }]);
      const before = {
        graph: await sha(path.join(dataDir, 'graph.json')),
        scenarios: await sha(path.join(dataDir, 'scenarios.json')),
      };
      const err = await MemoryStore.open({ dataDir, seedDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreDataError);
      expect((err as Error).message).toContain('scenarios.json');
      const cli = await runCli(['--data-dir', dataDir, '--seed-dir', seedDir, 'stats']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/scenarios\.json is invalid/);
      expect(cli.stderr).toMatch(/\[1\]\.seed/);

      expect(await sha(path.join(dataDir, 'graph.json'))).toBe(before.graph);
      expect(await sha(path.join(dataDir, 'scenarios.json'))).toBe(before.scenarios);
      expect(existsSync(path.join(dataDir, 'graph.json.migrated'))).toBe(false);
      const db = new Database(path.join(dataDir, 'psygraph.db'), { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(0);
      expect(
        db.prepare("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").pluck().get(),
      ).toBe(0);
      db.close();

      // once the file is repaired, the next open migrates
      await writeLegacyDir(dataDir, legacyCatalog(), good);
      const store = await MemoryStore.open({ dataDir, seedDir });
      expect(await store.listScenarios()).toEqual(good);
      expect((await store.stats()).patterns).toBe(7);
      await store.close();
    } finally {
      await cleanup();
    }
  });

  it('finishes the rename after a crash between the commit and the rename, without importing twice', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      await writeLegacyDir(dataDir, legacyCatalog(), [draft('d-1', ['talkative'])]);
      await (await MemoryStore.open({ dataDir, seedDir })).close();
      // as if the process died right after the commit: the old files are still in place
      for (const f of ['graph.json', 'scenarios.json'])
        await rename(path.join(dataDir, `${f}.migrated`), path.join(dataDir, f));
      const store = await MemoryStore.open({ dataDir, seedDir });
      expect((await store.stats()).scenarios).toBe(1);
      expect((await store.stats()).patterns).toBe(7);
      await store.close();
      expect(existsSync(path.join(dataDir, 'graph.json'))).toBe(false);
      expect(existsSync(path.join(dataDir, 'scenarios.json.migrated'))).toBe(true);
    } finally {
      await cleanup();
    }
  });
});

describe('a data directory whose database is not psygraph’s', () => {
  const cases: { name: string; make: (file: string) => Promise<void>; reason: RegExp }[] = [
    {
      name: 'another program’s SQLite database',
      make: async (file) => {
        const db = new Database(file);
        db.exec(
          "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('x')",
        );
        db.close();
      },
      reason: /is not a psygraph database \(it holds users\)/,
    },
    {
      name: 'a SQLite database marked as another application’s',
      make: async (file) => {
        const db = new Database(file);
        db.pragma('application_id = 1234');
        db.close();
      },
      reason: /belongs to another program \(application_id 0x4d2\)/,
    },
    {
      name: 'a file that is not a database',
      make: async (file) => writeFile(file, 'these are notes, not a database\n'.repeat(200)),
      reason: /is not a SQLite database/,
    },
    {
      name: 'a psygraph database of a newer schema',
      make: async (file) => {
        const store = await MemoryStore.open({ dataDir: path.dirname(file) });
        await store.saveScenarios([draft('d-1', ['talkative'])]);
        await store.close();
        const db = new Database(file);
        db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
        db.close();
      },
      reason: new RegExp(`has schema version ${SCHEMA_VERSION + 1}, newer than this psygraph reads`),
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} with one line naming the path, and leaves it as it was`, async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const dataDir = path.join(dir, 'data');
        const { mkdir } = await import('node:fs/promises');
        await mkdir(dataDir, { recursive: true });
        const file = path.join(dataDir, 'psygraph.db');
        await c.make(file);
        const before = await sha(file);

        const err = await MemoryStore.open({ dataDir }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreIncompatibleError);
        expect((err as Error).message).toMatch(c.reason);

        for (const args of [['stats'], ['sample', '-n', '1', '--seed', '1', '--save']]) {
          const cli = await runCli(['--data-dir', dataDir, ...args]);
          expect(cli.code).toBe(1);
          const lines = cli.stderr.trim().split('\n');
          expect(lines).toHaveLength(1);
          expect(lines[0]).toContain(file);
          expect(lines[0]).toMatch(c.reason);
        }
        const serve = await runCli(['--data-dir', dataDir, 'serve', '--port', '0']);
        expect(serve.code).toBe(1);
        expect(serve.stderr).toMatch(c.reason);

        expect(await sha(file)).toBe(before);
        expect(existsSync(`${file}-wal`)).toBe(false);
      } finally {
        await cleanup();
      }
    }, 90_000);
  }

  it('answers HTTP 503 store_incompatible when the database is taken over under a running server', async () => {
    const api = await startApi();
    try {
      await api.store.saveScenarios([draft('d-1', ['talkative'])]);
      expect((await fetch(`${api.base}/api/stats`)).status).toBe(200);
      const file = path.join(api.dir, 'data', 'psygraph.db');

      // a newer psygraph migrated the database
      const db = new Database(file);
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      for (const url of ['/api/stats', '/api/scenarios', '/api/patterns']) {
        const res = await fetch(`${api.base}${url}`);
        expect(res.status).toBe(503);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('store_incompatible');
        expect(body.error.message).toContain(file);
        expect(body.error.message).toMatch(/newer than this psygraph reads/);
      }
      // another program claimed it
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.pragma('application_id = 1234');
      const res = await fetch(`${api.base}/api/scenarios/d-1`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /belongs to another program/,
      );
      // given back, the server serves again
      db.pragma('application_id = 0x50534752');
      db.close();
      expect((await fetch(`${api.base}/api/scenarios/d-1`)).status).toBe(200);
    } finally {
      await api.stop();
    }
  });
});

describe('a data directory that is only read', () => {
  it('creates no database until the first write', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      const store = await MemoryStore.open({ dataDir, seedDir });
      expect((await store.stats()).patterns).toBe(6);
      expect(await store.listScenarios()).toEqual([]);
      expect(existsSync(dataDir)).toBe(false);
      // another process writes: this store sees it
      const other = await MemoryStore.open({ dataDir, seedDir });
      await other.saveScenarios([draft('d-1', ['talkative'])]);
      await other.deletePatterns(['quiet']);
      expect((await store.stats()).scenarios).toBe(1);
      expect((await store.stats()).patterns).toBe(5);
      expect(await store.getScenario('d-1')).toEqual(draft('d-1', ['talkative']));
      await other.close();
      await store.close();
    } finally {
      await cleanup();
    }
  });
});

describe('the first writes of a store', () => {
  it('share one connection when they come at once', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
      const dataDir = path.join(dir, 'data');
      const store = await MemoryStore.open({ dataDir, seedDir });
      await Promise.all([
        store.saveScenarios([draft('a', ['talkative'])]),
        store.saveScenarios([draft('b', ['quiet'])]),
        store.upsertPatterns([makePattern('shy', { kind: 'trait', dimension: 'extraversion', pole: '-' })]),
        store.stats(),
      ]);
      expect(await store.listScenarioIds()).toEqual(['a', 'b']);
      expect((await store.stats()).patterns).toBe(7);
      await store.close();
      const reopened = await MemoryStore.open({ dataDir, seedDir });
      expect((await reopened.stats()).scenarios).toBe(2);
      await reopened.close();
    } finally {
      await cleanup();
    }
  });
});

describe('processes creating one database at once', () => {
  it('never take another process’s half-seen migration for a foreign database', async () => {
    // Six processes open the same new file together, twenty times over. Each reads the header and
    // the schema in one read transaction, so a migration committed between two reads is seen whole.
    const sqliteDb = new URL('../dist/store/sqlite-db.js', import.meta.url).href;
    const script = `
      const { openDb, configureDb, migrateDb } = await import(${JSON.stringify(sqliteDb)});
      const file = process.argv[1];
      try { const db = openDb(file); configureDb(db, file); migrateDb(db, file); db.close(); }
      catch (err) { console.error(err instanceof Error ? err.message : String(err)); process.exit(1); }`;
    const { dir, cleanup } = await tempDir();
    const failures: string[] = [];
    try {
      for (let round = 0; round < 20; round++) {
        const file = path.join(dir, `round-${round}.db`);
        const runs = Array.from(
          { length: 6 },
          () =>
            new Promise<string | null>((resolve) => {
              const child = spawn(process.execPath, ['--input-type=module', '-e', script, file], {
                stdio: ['ignore', 'ignore', 'pipe'],
              });
              let stderr = '';
              child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
              child.on('exit', (code) => resolve(code === 0 ? null : stderr.trim() || `exit ${code}`));
            }),
        );
        for (const failure of await Promise.all(runs)) if (failure) failures.push(failure);
      }
      expect(failures).toEqual([]);
    } finally {
      await cleanup();
    }
  }, 120_000);
});

describe('PSYGRAPH_DB_SYNC', () => {
  it('accepts normal and full, and names the variable when the value is wrong (exit 2)', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const dataDir = path.join(dir, 'data');
      const save = ['--data-dir', dataDir, 'sample', '-n', '2', '--seed', '3', '--save'];
      let saved = 0;
      for (const mode of ['normal', 'full']) {
        const ok = await runCli(save, { PSYGRAPH_DB_SYNC: mode });
        expect(ok.code).toBe(0);
        saved += Number(/saved (\d+) scenario/.exec(ok.stderr)?.[1]);
      }
      expect(saved).toBe(4); // the second run avoids what the first saved
      const stats = await runCli(['--data-dir', dataDir, 'stats', '--json']);
      expect(JSON.parse(stats.stdout)).toMatchObject({ scenarios: 4 });
      const bad = await runCli(save, { PSYGRAPH_DB_SYNC: 'sometimes' });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/PSYGRAPH_DB_SYNC must be one of normal, full \(got "sometimes"\)/);
    } finally {
      await cleanup();
    }
  }, 90_000);
});

describe('saved scenario ids', () => {
  it('come from the index, sorted, and equal the ids listScenarios gives', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const store = await MemoryStore.open({ dataDir: path.join(dir, 'data') });
      expect(await savedScenarioIds(store)).toEqual([]);
      await store.saveScenarios([draft('b', ['talkative']), written('c'), draft('a', ['quiet'])]);
      expect(await store.listScenarioIds()).toEqual(['a', 'b', 'c']);
      const viaDocuments: GraphStore = {
        ...store,
        listScenarios: store.listScenarios.bind(store),
        listScenarioIds: undefined,
      } as unknown as GraphStore;
      expect(await savedScenarioIds(viaDocuments)).toEqual(['a', 'b', 'c']);
      await store.close();
    } finally {
      await cleanup();
    }
  });
});

describe('schema version 2 (annotation sets)', () => {
  it('migrates a version-1 database in place: its scenarios stay, annotation sets can be stored', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const dataDir = path.join(dir, 'data');
      const store = await MemoryStore.open({ dataDir });
      await store.saveScenarios([written('kept')]);
      await store.close();
      // turn it back into what version 1 wrote: no annotation tables, user_version 1
      const file = path.join(dataDir, 'psygraph.db');
      const old = new Database(file);
      old.exec('DROP TABLE annotations; DROP TABLE annotation_samples; DROP TABLE annotation_sets;');
      old.pragma('user_version = 1');
      old.close();

      const reopened = await MemoryStore.open({ dataDir });
      expect(await reopened.getScenario('kept')).toEqual(written('kept'));
      expect(await reopened.listAnnotationSets()).toEqual([]);
      expect((await reopened.saveAnnotationSet(makeAnnotationSet('calib', 2))).created).toBe(true);
      await reopened.close();
      const db = new Database(file, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(SCHEMA_VERSION).toBe(2);
      db.close();
    } finally {
      await cleanup();
    }
  });
});
