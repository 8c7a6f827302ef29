/** GET /api/paths: how one pattern reaches another (the k best paths, see src/contract/paths.ts). */
import { PathsQuery, PathsResultSchema, runPaths } from '../../contract/paths.js';
import type { GraphStore } from '../../store/graph-store.js';
import type { ApiRoutes } from './define.js';

export function registerPathRoutes(routes: ApiRoutes, store: GraphStore): void {
  routes.add({
    method: 'GET',
    url: '/api/paths',
    summary:
      'the k best simple paths from one pattern to another: fewest steps first, then strongest, each with its signed reading; an empty list and a message when there is none',
    query: PathsQuery,
    response: PathsResultSchema,
    errors: [400, 404, 503],
    handler: ({ query }) => runPaths(store, query),
  });
}
