/**
 * GET /api/graph serves a copy built once per graph hash: over real loopback HTTP on a MemoryStore
 * (which answers its hash without a snapshot) and on the same store seen without that method (as
 * the Neo4j store is), a write to the graph is in the very next answer, and an unchanged graph is
 * answered with the same bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphSchema, StatsSchema } from '../src/contract/responses.js';
import type { GraphStore } from '../src/store/graph-store.js';
import { type Api, startApi } from './helpers/api.js';

/** The store without its optional graphHash: every request reads a snapshot. */
const withoutHash = (store: GraphStore): GraphStore =>
  new Proxy(store, {
    get: (target, key) => {
      if (key === 'graphHash') return undefined;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });

describe.each([
  ['a store that knows its hash', (s: GraphStore) => s],
  ['a store that does not', withoutHash],
])('GET /api/graph on %s', (_name, wrap) => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi({}, wrap);
  });
  afterAll(() => api.stop());

  const graph = async () => {
    const res = await fetch(`${api.base}/api/graph`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    return { text, body: GraphSchema.parse(JSON.parse(text)) };
  };

  it('answers the same bytes while the graph is unchanged, and follows a write at once', async () => {
    const first = await graph();
    expect((await graph()).text).toBe(first.text);
    const stats = StatsSchema.parse(await (await fetch(`${api.base}/api/stats`)).json());
    expect(first.body.graphHash).toBe(stats.graphHash);

    const gone = first.body.edges[0]!.id;
    expect(await api.store.deleteRelations([gone])).toBe(1);
    const second = await graph();
    expect(second.body.edges).toHaveLength(first.body.edges.length - 1);
    expect(second.body.edges.map((e) => e.id)).not.toContain(gone);
    expect(second.body.graphHash).not.toBe(first.body.graphHash);
    const after = StatsSchema.parse(await (await fetch(`${api.base}/api/stats`)).json());
    expect(second.body.graphHash).toBe(after.graphHash);
  });
});

/** The store, counting its snapshots. */
const counting =
  (count: { snapshots: number }) =>
  (store: GraphStore): GraphStore =>
    new Proxy(store, {
      get: (target, key) => {
        const value: unknown = Reflect.get(target, key, target);
        if (key === 'snapshot')
          return () => {
            count.snapshots++;
            return (value as () => unknown).call(target);
          };
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });

describe('GET /api/graph warmed at start (psygraph serve)', () => {
  it('is built once the server is ready, before any request, and concurrent first requests share that build', async () => {
    const count = { snapshots: 0 };
    const api = await startApi({ warmGraph: true }, counting(count));
    try {
      // the build started when the server became ready, with no request
      await expect.poll(() => count.snapshots).toBe(1);
      const answers = await Promise.all(
        [1, 2, 3].map(() => fetch(`${api.base}/api/graph`).then((r) => r.text())),
      );
      expect(new Set(answers).size).toBe(1);
      expect(GraphSchema.parse(JSON.parse(answers[0]!)).nodes.length).toBeGreaterThan(0);
      // served from the warm copy: the memory store knows its hash, so no other snapshot was read
      expect(count.snapshots).toBe(1);
    } finally {
      await api.stop();
    }
  });

  it('is not built ahead without the option (the API tests count their own reads)', async () => {
    const count = { snapshots: 0 };
    const api = await startApi({}, counting(count));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(count.snapshots).toBe(0);
    } finally {
      await api.stop();
    }
  });
});
