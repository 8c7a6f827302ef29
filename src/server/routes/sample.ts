/** POST /api/sample: the sampler over the current graph (nothing is saved). */
import { DIAMONDS, type SampleOptions, expandSituations } from '../../sample/options.js';
import { sampleScenarios } from '../../sample/sample.js';
import type { Catalog } from '../../model/index.js';
import type { GraphStore } from '../../store/graph-store.js';
import { withFieldNames } from '../errors.js';
import { type SampleRequest, SampleRequestSchema } from '../schemas/requests.js';
import { SampleResultSchema } from '../schemas/responses.js';
import type { ApiRoutes } from './define.js';

export function sampleOptions(catalog: Catalog, body: SampleRequest): SampleOptions {
  const { situations, seed, size, characters, ...rest } = body;
  return {
    ...rest,
    seed: seed ?? 1,
    situations: expandSituations(catalog.situations, situations ?? [...DIAMONDS]),
    ...(size ? { size: [size[0], size[1]] } : {}),
    ...(characters ? { characters: [characters[0], characters[1]] } : {}),
  };
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
      const catalog = await store.snapshot();
      try {
        return sampleScenarios(catalog, sampleOptions(catalog, body));
      } catch (err) {
        throw withFieldNames(err, { '--situation': 'situations' });
      }
    },
  });
}
