/** POST /api/sample: the sampler over the current graph (nothing is saved). */
import { SampleRequestSchema, runSample } from '../../contract/sample.js';
import { SampleResultSchema } from '../../contract/responses.js';
import type { GraphStore } from '../../store/graph-store.js';
import type { ApiRoutes } from './define.js';

export function registerSampleRoutes(routes: ApiRoutes, store: GraphStore): void {
  routes.add({
    method: 'POST',
    url: '/api/sample',
    summary: 'sample scenarios by walking interacting subgraphs (seeded; nothing is saved)',
    body: SampleRequestSchema,
    response: SampleResultSchema,
    errors: [400, 422, 503],
    handler: ({ body }) => runSample(store, body),
  });
}
