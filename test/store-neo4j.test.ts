/**
 * Everything that needs the real Neo4j lives in this one file, because the Community edition has
 * one user database and test files run in parallel.
 */
import { writeFile } from 'node:fs/promises';
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { exportGraph } from '../src/analysis/export.js';
import { findPaths } from '../src/analysis/paths.js';
import { splitCypherStatements } from '../src/store/cypher-script.js';
import { StoreDataError, StoreUnavailableError, graphHash } from '../src/model/index.js';
import { sampleScenarios } from '../src/sample/sample.js';
import { syntheticCatalog } from '../src/sample/synthetic.js';
import { Neo4jStore } from '../src/store/neo4j-store.js';
import { sampleInDatabase } from '../src/store/neo4j-walk.js';
import { ConstraintError, InvalidInputError } from '../src/model/index.js';
import type { SampleOptions } from '../src/sample/options.js';
import { loadSeed } from '../src/store/seed.js';
import { runCli, startServe, stopServe } from './helpers/cli.js';
import { castViolations } from './helpers/cast.js';
import { tempDir } from './helpers/tmp.js';
import { describeStoreContract } from './store-contract.js';
import { ensureBuilt, hasChromium, launchBrowser } from './e2e/harness.js';

const uri = inject('neo4jUri');

/** A TCP relay in front of Neo4j's Bolt port; `cut` drops every connection and stops listening. */
async function startProxy(target: URL): Promise<{ uri: string; cut: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => (client.destroy(), upstream.destroy()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `bolt://127.0.0.1:${port}`,
    cut: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(!uri)('Neo4j backend', () => {
  describeStoreContract('neo4j', async () => {
    const store = await Neo4jStore.connect({ uri: uri! });
    await store.clear();
    return { store, cleanup: () => store.close() };
  });

  describe('on a 244-pattern graph', () => {
    let store: Neo4jStore;
    const catalog = syntheticCatalog(244, 12, 7);
    beforeAll(async () => {
      store = await Neo4jStore.connect({ uri: uri! });
      await store.clear();
      await store.replaceCatalog(catalog, { prune: true });
    });
    afterAll(() => store.close());

    const hash = graphHash(catalog.patterns, catalog.relations);
    const traits = catalog.patterns.filter((p) => p.kind === 'trait').map((p) => p.id);
    const cases: [string, SampleOptions][] = [
      ['defaults', { n: 40, seed: 17, size: [2, 5] }],
      [
        'unweighted, two types, 1-3 characters, split conflicts',
        {
          n: 120,
          seed: 3,
          weighted: false,
          types: ['REINFORCES', 'CONFLICTS'],
          size: [3, 6],
          characters: [1, 3],
          conflicts: 'split',
        },
      ],
      [
        'excluded patterns, kind minimums, forbidden twins, crossed situations',
        {
          n: 150,
          seed: 9,
          exclude: [traits[0]!, traits[5]!, catalog.patterns[3]!.id, catalog.patterns[243]!.id],
          minTraits: 2,
          minSocial: 1,
          size: [3, 5],
          twins: 'forbid',
          crossSituations: true,
          situations: ['duty', 'mating', 'adversity'],
        },
      ],
      [
        'a narrow graph where many attempts fail (dead ends, duplicates), allowFewer',
        { n: 400, seed: 5, types: ['MODULATES'], size: [4, 4], allowFewer: true, characters: [3, 3] },
      ],
      [
        'avoidIds skip scenarios already taken',
        {
          n: 30,
          seed: 17,
          avoidIds: new Set(sampleScenarios(catalog, { n: 10, seed: 17 }).scenarios.map((s) => s.id)),
        },
      ],
    ];

    it.each(cases)('the in-database walk equals the in-memory sampler: %s', async (_name, options) => {
      const memory = sampleScenarios(catalog, { ...options, strategy: 'walk' });
      const database = await sampleInDatabase(store, options, hash);
      expect(database.report).toEqual(memory.report);
      expect(database.scenarios).toEqual(memory.scenarios);
      expect(database.scenarios.length).toBeGreaterThan(0);
    });

    it('gives the same scenarios whatever the batch size', async () => {
      const options: SampleOptions = { n: 25, seed: 21, characters: [1, 3] };
      const one = await sampleInDatabase(store, options, hash, { batch: 1 });
      const seven = await sampleInDatabase(store, options, hash, { batch: 7 });
      const big = await sampleInDatabase(store, options, hash, { batch: 5000 });
      expect(seven).toEqual(one);
      expect(big).toEqual(one);
      expect(one.scenarios).toEqual(sampleScenarios(catalog, options).scenarios);
    });

    it('fails like the in-memory sampler when too few unique scenarios exist, with the same report', async () => {
      // 20 patterns left: far fewer unique scenarios than asked for
      const options: SampleOptions = {
        n: 60,
        seed: 2,
        size: [2, 3],
        situations: ['duty'],
        exclude: catalog.patterns.slice(20).map((p) => p.id),
      };
      const memory = (() => {
        try {
          sampleScenarios(catalog, options);
        } catch (e) {
          return e;
        }
      })();
      const database = await sampleInDatabase(store, options, hash).catch((e: unknown) => e);
      expect(memory).toBeInstanceOf(ConstraintError);
      expect(database).toBeInstanceOf(ConstraintError);
      expect((database as Error).message).toBe((memory as Error).message);
      expect((database as ConstraintError).details).toEqual((memory as ConstraintError).details);
      expect((database as Error).message).toMatch(
        /^found only \d+ of 60 unique scenarios in 5000 attempts; duplicate/,
      );
    });

    it('refuses what it cannot run inside the database, naming the option', async () => {
      for (const [options, text] of [
        [{ n: 5, seed: 1, strategy: 'coverage' }, 'strategy coverage'],
        [{ n: 5, seed: 1, include: [traits[0]!] }, 'include is not supported'],
        [{ n: 5, seed: 1, require: ['CONFLICTS'] }, 'require is not supported'],
        [{ n: 5, seed: 1, exclude: ['no-such-pattern'] }, 'exclude: unknown pattern "no-such-pattern"'],
        [{ n: 5, seed: 1, situations: ['nowhere'] }, 'situations: unknown situation "nowhere"'],
        [{ n: 5, seed: 1, size: [1, 3] }, 'size must be a range'],
      ] as [SampleOptions, string][]) {
        const err = await sampleInDatabase(store, options, hash).catch((e: unknown) => e);
        expect(err, text).toBeInstanceOf(InvalidInputError);
        expect((err as Error).message).toContain(text);
      }
    });

    it('hashes the stored graph without loading it, as graphHash does', async () => {
      expect(await store.contentHash()).toBe(hash);
      expect(await store.graphHash()).toBe(hash);
    });

    it('keeps the graph hash until the graph changes, through psygraph or other Cypher', async () => {
      const computed = vi.spyOn(store, 'computeContentHash');
      try {
        expect(await store.contentHash()).toBe(hash);
        computed.mockClear();
        expect(await store.contentHash()).toBe(hash);
        expect(computed).not.toHaveBeenCalled();

        // a write through the store drops the kept hash in its own transaction
        const original = catalog.relations[0]!;
        const edited = { ...original, rationale: `${original.rationale} (edited)` };
        await store.upsertRelations([edited]);
        const relations = catalog.relations.map((r) => (r.id === original.id ? edited : r));
        expect(await store.contentHash()).toBe(graphHash(catalog.patterns, relations));
        expect(computed).toHaveBeenCalledTimes(1);
        await store.upsertRelations([original]);
        expect(await store.contentHash()).toBe(hash);

        // a relation removed with other Cypher changes the counts the kept hash is checked against
        const driver = neo4j.driver(uri!);
        try {
          await driver.executeQuery('MATCH ()-[r {id: $id}]->() DELETE r', { id: original.id });
        } finally {
          await driver.close();
        }
        const without = catalog.relations.filter((r) => r.id !== original.id);
        expect(await store.contentHash()).toBe(graphHash(catalog.patterns, without));
        await store.upsertRelations([original]);
        expect(await store.contentHash()).toBe(hash);
      } finally {
        computed.mockRestore();
      }
    });

    it('keeps EXCLUDES pairs, between edges and near-twins apart and within edges together, under every strategy and conflict mode', async () => {
      const snapshot = await store.snapshot();
      for (const conflicts of ['inner', 'split', 'any'] as const) {
        for (const strategy of ['walk', 'coverage', 'motif', 'humanllm'] as const) {
          const { scenarios } = sampleScenarios(snapshot, {
            n: 200,
            seed: 4,
            strategy,
            conflicts,
            characters: [1, 3],
            allowFewer: true,
          });
          expect(scenarios.length, `${strategy} ${conflicts}`).toBeGreaterThan(100);
          expect(scenarios.flatMap((s) => castViolations(snapshot, s))).toEqual([]);
        }
        const hash = graphHash(snapshot.patterns, snapshot.relations);
        const { scenarios: server } = await sampleInDatabase(
          store,
          { n: 30, seed: 4, conflicts, characters: [1, 3] },
          hash,
        );
        expect(server.flatMap((s) => castViolations(snapshot, s))).toEqual([]);
      }
    });

    it('reports a damaged document as store_data_invalid naming the record, not as the caller’s mistake', async () => {
      const id = catalog.patterns[0]!.id;
      const [row] = await store.query('MATCH (p:Pattern {id: $id}) RETURN p.doc AS doc', { id });
      // another client damages the stored document behind the store's back
      const driver = neo4j.driver(uri!);
      const setDoc = (doc: unknown) =>
        driver.executeQuery('MATCH (p:Pattern {id: $id}) SET p.doc = $doc', { id, doc });
      try {
        await setDoc(JSON.stringify({ id }));
        const err = await store.getPattern(id).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreDataError);
        expect((err as StoreDataError).callerFault).toBe(false);
        expect((err as Error).message).toContain(`"${id}"`);
      } finally {
        await setDoc(row!.doc);
        await driver.close();
      }
      expect(await store.getPattern(id)).toEqual(catalog.patterns[0]);
    });

    it('reads the in-database walk through the mapping layer: a damaged property is store_data_invalid', async () => {
      const id = catalog.patterns[0]!.id;
      const driver = neo4j.driver(uri!);
      const setKind = (kind: unknown) =>
        driver.executeQuery('MATCH (p:Pattern {id: $id}) SET p.kind = $kind', { id, kind });
      try {
        await setKind('mood');
        const err = await sampleInDatabase(store, { n: 400, seed: 3 }, hash).catch((e: unknown) => e);
        // found on the damaged pattern itself or on a neighbour's edge that reads its kind
        expect(err).toBeInstanceOf(StoreDataError);
        expect((err as Error).message).toMatch(/^Neo4j holds a pattern "[a-z0-9-]+" whose properties/);
        expect(JSON.stringify((err as StoreDataError).details)).toMatch(/edges\[\d+\]\[4\]|"path":"kind"/);
      } finally {
        await setKind(catalog.patterns[0]!.kind);
        await driver.close();
      }
    });

    it('gives the same scenarios from a Neo4j snapshot as from the seed', async () => {
      const snapshot = await store.snapshot();
      const a = sampleScenarios(snapshot, { n: 300, seed: 5, strategy: 'coverage' }).scenarios;
      const b = sampleScenarios(catalog, { n: 300, seed: 5, strategy: 'coverage' }).scenarios;
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    });

    it('replays a Cypher export into an identical graph', async () => {
      const small = syntheticCatalog(60, 6, 3);
      const script = exportGraph(small, 'cypher');
      await store.clear();
      const statements = splitCypherStatements(script);
      // one transaction per 500 statements keeps the replay quick
      for (let i = 0; i < statements.length; i += 500) {
        await store.runScript(statements.slice(i, i + 500));
      }
      expect((await store.stats()).graphHash).toBe(graphHash(small.patterns, small.relations));
    });
  });

  describe('psygraph load --store neo4j', () => {
    it('is idempotent and agrees with the memory store, graph hash included', async () => {
      const env = { NEO4J_URI: uri! };
      const first = await runCli(['--store', 'neo4j', 'load', '--prune', '--json'], env);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const second = await runCli(['--store', 'neo4j', 'load', '--json'], env);
      expect(second.code).toBe(0);
      expect(JSON.parse(second.stdout).removed).toEqual({ patterns: 0, relations: 0, situations: 0 });
      const neo = JSON.parse((await runCli(['--store', 'neo4j', 'stats', '--json'], env)).stdout);
      const mem = JSON.parse(
        (await runCli(['stats', '--json'], { PSYGRAPH_DATA_DIR: '.psygraph/never-written' })).stdout,
      );
      expect({ ...neo, scenarios: 0 }).toEqual({ ...mem, scenarios: 0 });
      const seed = await loadSeed();
      expect(neo.graphHash).toBe(graphHash(seed.patterns, seed.relations));
    });

    it('samples inside Neo4j from the CLI: --in-database gives the snapshot sampler’s scenarios', async () => {
      const env = { NEO4J_URI: uri! };
      const args = [
        '--store',
        'neo4j',
        'sample',
        '-n',
        '25',
        '--seed',
        '11',
        '--characters',
        '1-3',
        '--jsonl',
      ];
      const snapshot = await runCli(args, env);
      const inDb = await runCli([...args, '--in-database'], env);
      expect(inDb.code, inDb.stderr).toBe(0);
      expect(inDb.stdout).toBe(snapshot.stdout);
      expect(inDb.stdout.trim().split('\n')).toHaveLength(25);

      const wrongStrategy = await runCli([...args, '--strategy', 'coverage', '--in-database'], env);
      expect(wrongStrategy.code).toBe(2);
      expect(wrongStrategy.stderr).toContain('--in-database runs only the walk strategy');
      const memory = await runCli(['sample', '-n', '3', '--in-database'], {
        PSYGRAPH_DATA_DIR: '.psygraph/never-written',
      });
      expect(memory.code).toBe(2);
      expect(memory.stderr).toContain('--in-database needs the Neo4j store');
    }, 90_000); // five CLI processes, each connecting to Neo4j

    it('serves the explorer and the API from Neo4j (npm start -- --store neo4j)', async () => {
      const { dir, cleanup } = await tempDir();
      await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>psygraph explorer</title>');
      const { child, url: started } = startServe(['--store', 'neo4j', '--port', '0', '--ui-dir', dir], {
        NEO4J_URI: uri!,
      });
      try {
        const url = await started;
        expect(await (await fetch(`${url}/api/health`)).json()).toEqual({ ok: true, backend: 'neo4j' });
        const graph = (await (await fetch(`${url}/api/graph`)).json()) as {
          nodes: unknown[];
          edges: unknown[];
        };
        const seed = await loadSeed();
        expect(graph.nodes).toHaveLength(seed.patterns.length);
        expect(graph.edges).toHaveLength(seed.relations.length);
        const sampled = await fetch(`${url}/api/sample`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ n: 3, seed: 7 }),
        });
        expect(sampled.status).toBe(200);
        const post = (body: unknown) =>
          fetch(`${url}/api/sample`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
        const inDb = await post({ n: 3, seed: 7, inDatabase: true });
        expect(inDb.status).toBe(200);
        expect(await inDb.json()).toEqual(await sampled.json());
        const refused = await post({ n: 3, inDatabase: true, strategy: 'motif' });
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
          'inDatabase runs only the walk strategy',
        );
        // paths from the Neo4j snapshot: the same answer as the core on the seed
        const paths = await fetch(`${url}/api/paths?from=loss-aversion&to=conformity&k=5`);
        expect(await paths.json()).toEqual(findPaths(seed, 'loss-aversion', 'conformity', { k: 5 }));
        const unknown = await fetch(`${url}/api/paths?from=loss-aversion&to=no-such-pattern`);
        expect(unknown.status).toBe(404);
        expect(await (await fetch(`${url}/?pattern=conformity`)).text()).toContain('psygraph explorer');
        await stopServe(child);
      } finally {
        child.kill('SIGKILL');
        await cleanup();
      }
    });

    it.skipIf(!hasChromium)(
      'draws the explorer’s views from Neo4j in a real browser: overview by community, focus, paths, matrix',
      async () => {
        ensureBuilt();
        const { child, url: started } = startServe(['--store', 'neo4j', '--port', '0'], { NEO4J_URI: uri! });
        const browser = await launchBrowser();
        try {
          const url = await started;
          const { edges } = (await (await fetch(`${url}/api/graph`)).json()) as {
            edges: { id: string; source: string; target: string; type: string }[];
          };
          const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
          const graph = '[data-testid="graph"]';
          const open = async (query: string, extra = '') => {
            await page.goto(`${url}/${query}`);
            await page.waitForSelector(`${graph}[data-drawn="true"][data-layout="done"]${extra}`, {
              timeout: 60_000,
            });
          };
          const seed = await loadSeed();
          await open('?group=community', '[data-group="community"]');
          expect(Number(await page.getAttribute(graph, 'data-visible-nodes'))).toBe(seed.patterns.length);
          expect(Number(await page.getAttribute(graph, 'data-visible-edges'))).toBe(seed.relations.length);
          expect(await page.locator('.group-label').count()).toBeGreaterThan(2);
          // focus, one step: the pattern and every pattern one relation away
          await open('?pattern=conformity&depth=1');
          const hood = new Set(['conformity']);
          for (const e of edges) {
            if (e.source === 'conformity') hood.add(e.target);
            if (e.target === 'conformity') hood.add(e.source);
          }
          await page.waitForFunction(`window.psygraph.focus?.nodes.size === ${hood.size}`);
          expect(await page.evaluate<string[]>('[...window.psygraph.focus.nodes].sort()')).toEqual(
            [...hood].sort(),
          );
          // paths: the listing is the API's answer
          await open('?tab=paths&from=loss-aversion&to=conformity');
          await page.waitForSelector('[data-testid="path"]');
          const answer = (await (
            await fetch(`${url}/api/paths?from=loss-aversion&to=conformity`)
          ).json()) as {
            paths: unknown[];
          };
          expect(await page.locator('[data-testid="path"]').count()).toBe(answer.paths.length);
          // the matrix: a known cell shows its relation on hover
          await open('?stage=matrix');
          await page.waitForSelector('[data-testid="matrix"] canvas');
          expect(Number(await page.getAttribute('[data-testid="matrix"]', 'data-size'))).toBe(
            seed.patterns.length,
          );
          const cell = Number(await page.getAttribute('[data-testid="matrix"]', 'data-cell-size'));
          const ids = await page.evaluate<string[]>('window.psygraph.matrix.ids');
          const [r, c] = [ids.indexOf('loss-aversion'), ids.indexOf('status-quo-bias')];
          const box = (await page.locator('[data-testid="matrix-sheet"]').boundingBox())!;
          await page.mouse.move(box.x + (c + 0.5) * cell, box.y + (r + 0.5) * cell);
          await page.waitForSelector('[data-testid="matrix-tip"]');
          expect(await page.textContent('[data-testid="matrix-tip"]')).toContain('reinforces');
          // the browser's keep-alive connections would hold the server's graceful close
          await browser.close();
          await stopServe(child);
        } finally {
          await browser.close();
          child.kill('SIGKILL');
        }
      },
      120_000,
    );

    it('reports a Neo4j that goes away mid-run as unavailable, naming the URI', async () => {
      const proxy = await startProxy(new URL(uri!));
      const store = await Neo4jStore.connect({ uri: proxy.uri, maxRetryMs: 300 });
      try {
        expect((await store.stats()).patterns).toBeGreaterThanOrEqual(0);
        await proxy.cut();
        const err = await store.stats().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreUnavailableError);
        expect((err as Error).message).toContain(`Neo4j at ${proxy.uri} is unavailable`);
      } finally {
        await store.close();
      }
    });

    it('names the URI when Neo4j cannot be reached', async () => {
      const { code, stderr } = await runCli(['--store', 'neo4j', 'stats'], {
        NEO4J_URI: 'bolt://127.0.0.1:1',
      });
      expect(code).toBe(1);
      expect(stderr).toMatch(/^psygraph: cannot use Neo4j at bolt:\/\/127\.0\.0\.1:1: /);
    });
  });
});
