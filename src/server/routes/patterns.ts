/** Patterns, relations and situations: the catalog, read-only. */
import type { GraphStore } from '../../store/graph-store.js';
import { IdParams, PatternQuery, RelationQuery } from '../../contract/requests.js';
import {
  NeighbourhoodSchema,
  PatternListSchema,
  RelationListSchema,
  SituationListSchema,
} from '../../contract/responses.js';
import type { ApiRoutes } from './define.js';

export function registerPatternRoutes(routes: ApiRoutes, store: GraphStore): void {
  routes.add({
    method: 'GET',
    url: '/api/patterns',
    summary: 'list patterns (full objects), optionally by kind or search text',
    query: PatternQuery,
    response: PatternListSchema,
    errors: [400, 503],
    handler: ({ query }) => store.listPatterns(query),
  });

  routes.add({
    method: 'GET',
    url: '/api/patterns/:id',
    summary: 'one pattern with its neighbours grouped by relation type',
    params: IdParams,
    response: NeighbourhoodSchema,
    errors: [404, 503],
    handler: ({ params }) => store.getNeighbourhood(params.id),
  });

  routes.add({
    method: 'GET',
    url: '/api/relations',
    summary: 'list relations, filtered by type, pattern and minimum strength',
    query: RelationQuery,
    response: RelationListSchema,
    errors: [400, 503],
    handler: ({ query }) =>
      store.listRelations({
        ...(query.type ? { type: query.type } : {}),
        ...(query.pattern ? { pattern: query.pattern } : {}),
        ...(query.minStrength !== undefined ? { minStrength: query.minStrength } : {}),
      }),
  });

  routes.add({
    method: 'GET',
    url: '/api/situations',
    summary: 'list situations',
    response: SituationListSchema,
    errors: [503],
    handler: () => store.listSituations(),
  });
}
