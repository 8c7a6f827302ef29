/** POST /api/sample: the sampler over the current graph (nothing is saved). */
import { DIAMONDS, type SampleOptions, expandSituations } from '../../sample/options.js';
import { sampleScenarios } from '../../sample/sample.js';
import { type Catalog, InvalidInputError } from '../../model/index.js';
import type { GraphStore } from '../../store/graph-store.js';
import type { Neo4jStore } from '../../store/neo4j-store.js';
import { withFieldNames } from '../errors.js';
import { type SampleRequest, SampleRequestSchema } from '../schemas/requests.js';
import { SampleResultSchema } from '../schemas/responses.js';
import type { ApiRoutes } from './define.js';

export function sampleOptions(catalog: Pick<Catalog, 'situations'>, body: SampleRequest): SampleOptions {
  const { situations, seed, size, characters, inDatabase: _whereNotHow, ...rest } = body;
  return {
    ...rest,
    seed: seed ?? 1,
    situations: expandSituations(catalog.situations, situations ?? [...DIAMONDS]),
    ...(size ? { size: [size[0], size[1]] } : {}),
    ...(characters ? { characters: [characters[0], characters[1]] } : {}),
  };
}

/** inDatabase: the batched walk against Neo4j, without a snapshot (400 on another store). */
async function sampleInStore(store: GraphStore, body: SampleRequest) {
  if (store.backend !== 'neo4j')
    throw new InvalidInputError(
      `inDatabase needs the Neo4j store (this server runs on the ${store.backend} store)`,
    );
  const neo = store as Neo4jStore;
  const { sampleInDatabase } = await import('../../store/neo4j-walk.js');
  try {
    const options = sampleOptions({ situations: await neo.listSituations() }, body);
    return await sampleInDatabase(neo, options, await neo.contentHash());
  } catch (err) {
    throw withFieldNames(err, { '--situation': 'situations' });
  }
}

export function registerSampleRoutes(routes: ApiRoutes, store: GraphStore): void {
  routes.add({
    method: 'POST',
    url: '/api/sample',
    summary: 'sample scenarios by walking interacting subgraphs (seeded; nothing is saved)',
    body: SampleRequestSchema,
    response: SampleResultSchema,
    errors: [400, 422, 503],
    handler: async ({ body }) => {
      if (body.inDatabase) return sampleInStore(store, body);
      const catalog = await store.snapshot();
      try {
        return sampleScenarios(catalog, sampleOptions(catalog, body));
      } catch (err) {
        throw withFieldNames(err, { '--situation': 'situations' });
      }
    },
  });
}
