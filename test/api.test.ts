/**
 * The HTTP API over real loopback HTTP (the server listening on port 0, requests with fetch) on a
 * MemoryStore serving the shipped seed: the catalog routes, export, the explorer and unknown routes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../src/model/index.js';
import {
  ErrorSchema,
  GraphSchema,
  HealthSchema,
  NeighbourhoodSchema,
  PatternListSchema,
  RelationListSchema,
  SituationListSchema,
  StatsSchema,
} from '../src/contract/responses.js';
import { type Api, startApi } from './helpers/api.js';
import { tempDir } from './helpers/tmp.js';

async function expectError(res: Response, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = ErrorSchema.parse(await res.json());
  expect(body.error.code).toBe(code);
  if (field) {
    const problems = (body.error.details as { problems: { path: string }[] }).problems;
    expect(problems.map((p) => p.path)).toContain(field);
    expect(body.error.message).toContain(field);
  }
  return body.error;
}

let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.stop());

const get = (url: string) => fetch(`${api.base}${url}`);

/** Any method, including ones fetch refuses to send (TRACE), over plain node:http. */
function rawRequest(method: string, url: string): Promise<{ status: number; allow: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('catalog routes', () => {
  it('health and stats describe the shipped graph', async () => {
    expect(HealthSchema.parse(await (await get('/api/health')).json())).toEqual({
      ok: true,
      backend: 'memory',
    });
    const stats = StatsSchema.parse(await (await get('/api/stats')).json());
    expect(stats).toMatchObject({ patterns: 244, situations: expect.any(Number), scenarios: 0 });
    expect(Object.values(stats.byType).reduce((a, b) => a + b, 0)).toBe(stats.relations);
  });

  it('/api/graph has every pattern and relation, sorted, with causal degrees', async () => {
    const graph = GraphSchema.parse(await (await get('/api/graph')).json());
    const stats = StatsSchema.parse(await (await get('/api/stats')).json());
    expect(graph.graphHash).toBe(stats.graphHash);
    expect(graph.nodes).toHaveLength(244);
    expect(graph.edges).toHaveLength(stats.relations);
    const ids = graph.nodes.map((n) => n.id);
    expect(ids).toEqual([...ids].sort());
    const talkative = graph.nodes.find((n) => n.id === 'talkative')!;
    expect(talkative).toMatchObject({ kind: 'trait', family: 'extraversion', pole: '+' });
    const causal = graph.edges.filter(
      (e) => e.type !== 'EXCLUDES' && (e.source === 'talkative' || e.target === 'talkative'),
    );
    expect(talkative.degree).toBe(causal.length);
    const social = graph.nodes.find((n) => n.kind === 'social-cognitive')!;
    expect(social.pole).toBeUndefined();
  });

  it('lists patterns by kind and search text', async () => {
    const traits = PatternListSchema.parse(await (await get('/api/patterns?kind=trait')).json());
    expect(traits).toHaveLength(100);
    expect(traits.every((p) => p.kind === 'trait')).toBe(true);
    const found = PatternListSchema.parse(await (await get('/api/patterns?search=SPOTLIGHT')).json());
    expect(found.map((p) => p.id)).toContain('spotlight-effect');
    expect(PatternListSchema.parse(await (await get('/api/patterns')).json())).toHaveLength(244);
    // an empty value is rejected by name (the document declares every parameter non-empty)
    for (const q of ['/api/patterns?kind=', '/api/relations?pattern=', '/api/scenarios?situation=']) {
      await expectError(await get(q), 400, 'invalid_input', q.split('?')[1]!.replace('=', ''));
    }
  });

  it('gives one pattern with its neighbours grouped by type', async () => {
    const body = NeighbourhoodSchema.parse(await (await get('/api/patterns/spotlight-effect')).json());
    expect(body.pattern.id).toBe('spotlight-effect');
    const all = Object.values(body.neighbours).flat();
    expect(all.length).toBeGreaterThan(0);
    for (const n of all) {
      const ends = [n.relation.source, n.relation.target];
      expect(ends).toContain('spotlight-effect');
      expect(ends).toContain(n.pattern.id);
    }
  });

  it('filters relations by type list, pattern and strength', async () => {
    const url = '/api/relations?type=conflicts,MODULATES&pattern=insecure&minStrength=0.5';
    const list = RelationListSchema.parse(await (await get(url)).json());
    expect(list.length).toBeGreaterThan(0);
    for (const r of list) {
      expect(['CONFLICTS', 'MODULATES']).toContain(r.type);
      expect([r.source, r.target]).toContain('insecure');
      expect(r.strength).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('lists situations', async () => {
    const list = SituationListSchema.parse(await (await get('/api/situations')).json());
    expect(list.map((s) => s.id)).toContain('adversity');
  });
});

describe('catalog errors', () => {
  it('rejects bad query values with 400 naming the parameter', async () => {
    await expectError(await get('/api/patterns?kind=robot'), 400, 'invalid_input', 'kind');
    await expectError(await get('/api/patterns?knd=trait'), 400, 'invalid_input', 'knd');
    await expectError(await get('/api/patterns?kind=trait&kind=trait'), 400, 'invalid_input', 'kind');
    await expectError(await get('/api/relations?type=LIKES'), 400, 'invalid_input', 'type[0]');
    await expectError(await get('/api/relations?minStrength=2'), 400, 'invalid_input', 'minStrength');
    await expectError(await get('/api/relations?minStrength=strong'), 400, 'invalid_input', 'minStrength');
    await expectError(await get('/api/relations?pattern=Not%20An%20Id'), 400, 'invalid_input', 'pattern');
    await expectError(await get('/api/export?format=pdf'), 400, 'invalid_input', 'format');
  });

  it('answers an unknown pattern with 404', async () => {
    const error = await expectError(await get('/api/patterns/no-such-pattern'), 404, 'not_found');
    expect(error.message).toContain('no-such-pattern');
  });

  it('answers unknown routes with 404 and undeclared methods on known routes with 405 and Allow', async () => {
    await expectError(await get('/api/nothing-here'), 404, 'not_found');
    await expectError(await get('/elsewhere/page'), 404, 'not_found');
    const post = await fetch(`${api.base}/api/patterns`, { method: 'POST' });
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    await expectError(post, 405, 'method_not_allowed');
    // before any body parsing: an unusual method with no content type is still a 405
    for (const method of ['TRACE', 'QUERY', 'PUT']) {
      const res = await rawRequest(method, `${api.base}/api/patterns/loss-aversion`);
      expect(res.status, method).toBe(405);
      expect(res.allow).toBe('GET, HEAD');
    }
    const del = await fetch(`${api.base}/api/scenarios/x`, { method: 'PATCH' });
    expect(del.headers.get('allow')).toBe('DELETE, GET, HEAD');
  });

  it('answers 503 when the store is unavailable', async () => {
    // the one fake here: a store whose server went away (that the real Neo4jStore raises this when
    // its database disappears is tested against the real Neo4j in store-neo4j.test.ts)
    const down = await startApi(
      {},
      (store) =>
        new Proxy(store, {
          get: (target, key, receiver) =>
            key === 'stats'
              ? () => Promise.reject(new StoreUnavailableError('Neo4j at bolt://db:7687 is unavailable'))
              : Reflect.get(target, key, receiver),
        }),
    );
    try {
      await expectError(await fetch(`${down.base}/api/stats`), 503, 'store_unavailable');
    } finally {
      await down.stop();
    }
  });
});

describe('export', () => {
  it.each([
    ['json', 'application/json', 'json'],
    ['gexf', 'application/xml', 'gexf'],
    ['graphml', 'application/xml', 'graphml'],
    ['cypher', 'text/plain', 'cypher'],
  ])('%s is an attachment of type %s', async (format, type, ext) => {
    const res = await get(`/api/export?format=${format}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(type);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="psygraph.${ext}"`);
    const text = await res.text();
    if (format === 'json') expect((JSON.parse(text) as { nodes: unknown[] }).nodes).toHaveLength(244);
    else expect(text).toContain('spotlight-effect');
  });

  it('defaults to JSON', async () => {
    const res = await get('/api/export');
    expect(res.headers.get('content-disposition')).toContain('psygraph.json');
  });
});

describe('the explorer', () => {
  it('serves the landing page when the UI is not built', async () => {
    const res = await get('/');
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('244 patterns');
  });

  it('serves a built UI, with index.html for deep links and JSON 404s under /api', async () => {
    const { dir, cleanup } = await tempDir('psygraph-ui-');
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>explorer</title>');
    await writeFile(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    const ui = await startApi({ uiDir: dir });
    try {
      const page = await fetch(`${ui.base}/`);
      expect(await page.text()).toContain('<title>explorer</title>');
      const deep = await fetch(`${ui.base}/pattern/spotlight-effect?filter=CONFLICTS`);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toContain('<title>explorer</title>');
      const asset = await fetch(`${ui.base}/assets/app.js`);
      expect(asset.headers.get('content-type')).toContain('javascript');
      expect(await asset.text()).toBe('console.log(1)');
      await expectError(await fetch(`${ui.base}/assets/missing.js`), 404, 'not_found');
      await expectError(await fetch(`${ui.base}/api/nothing-here`), 404, 'not_found');
      expect((await fetch(`${ui.base}/api/health`)).status).toBe(200);
    } finally {
      await ui.stop();
      await cleanup();
    }
  });
});
