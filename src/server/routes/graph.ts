/** Health, counts, and the whole graph in the compact form the explorer draws. */
import { traitMatrix } from '../../analysis/traits.js';
import {
  type Catalog,
  type CompatibleVerdict,
  graphHash,
  isCausal,
  patternFamily,
  scopeOf,
} from '../../model/index.js';
import type { GraphStore } from '../../store/graph-store.js';
import { GraphSchema, HealthSchema, StatsSchema, TraitMatrixSchema } from '../../contract/responses.js';
import type { ApiRoutes } from './define.js';
import type { z } from 'zod';

type Graph = z.output<typeof GraphSchema>;

export function drawableGraph(catalog: Catalog, hash: string): Graph {
  const degree = new Map<string, number>();
  for (const r of catalog.relations) {
    if (!isCausal(r.type)) continue;
    degree.set(r.source, (degree.get(r.source) ?? 0) + 1);
    degree.set(r.target, (degree.get(r.target) ?? 0) + 1);
  }
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    graphHash: hash,
    nodes: [...catalog.patterns].sort(byId).map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      family: patternFamily(p),
      ...(p.kind === 'trait' ? { pole: p.pole } : {}),
      aliases: p.aliases ?? [],
      degree: degree.get(p.id) ?? 0,
    })),
    edges: [...catalog.relations].sort(byId).map((r) => ({
      id: r.id,
      type: r.type,
      source: r.source,
      target: r.target,
      strength: r.strength,
      ...(scopeOf(r) ? { scope: scopeOf(r) } : {}),
    })),
  };
}

/**
 * The graph routes. Returns `warm`, which builds `/api/graph`'s answer ahead of the first request
 * (`psygraph serve` calls it once it listens); a request meanwhile waits for that same build.
 */
export function registerGraphRoutes(
  routes: ApiRoutes,
  store: GraphStore,
  traitVerdicts: readonly CompatibleVerdict[],
): { warm: () => Promise<void> } {
  let cached: { hash: string; json: string } | undefined;
  let building: Promise<{ hash: string; json: string }> | undefined;
  // The drawable graph is built and serialized once per graph hash (40,500 relations take
  // hundreds of milliseconds); a store that knows its hash cheaply is not even read again.
  const current = async (): Promise<{ hash: string; json: string }> => {
    const known = store.graphHash ? await store.graphHash() : undefined;
    if (cached && cached.hash === known) return cached;
    building ??= (async () => {
      const catalog = await store.snapshot();
      // the snapshot's own hash: a write between the two reads is cached under the right one
      const hash = graphHash(catalog.patterns, catalog.relations);
      if (cached?.hash !== hash) cached = { hash, json: JSON.stringify(drawableGraph(catalog, hash)) };
      return cached;
    })().finally(() => (building = undefined));
    return building;
  };
  routes.add({
    method: 'GET',
    url: '/api/health',
    summary: 'liveness and the store backend',
    response: HealthSchema,
    errors: [],
    handler: async () => ({ ok: true, backend: store.backend }),
  });

  routes.add({
    method: 'GET',
    url: '/api/stats',
    summary: 'counts by relation type, situations, saved scenarios and the graph hash',
    response: StatsSchema,
    errors: [503],
    handler: () => store.stats(),
  });

  routes.add({
    method: 'GET',
    url: '/api/graph',
    summary: 'every pattern and relation, reduced to what drawing needs; sorted by id',
    response: GraphSchema,
    errors: [503],
    handler: async (_input, reply) => {
      const { json } = await current();
      void reply.type('application/json; charset=utf-8');
      return json;
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/traits',
    summary:
      'the trait matrix: every unordered pair of traits (a < b) with one verdict; the deciding relation first',
    response: TraitMatrixSchema,
    errors: [503],
    handler: async () => traitMatrix(await store.snapshot(), traitVerdicts),
  });
  return { warm: async () => void (await current()) };
}
