/** GET /api/export: the whole graph as a downloadable file. */
import { type ExportFormat, exportGraph } from '../../analysis/export.js';
import type { GraphStore } from '../../store/graph-store.js';
import { ExportQuery } from '../../contract/requests.js';
import type { ApiRoutes } from './define.js';

export const EXPORT_MEDIA: Record<ExportFormat, { type: string; ext: string }> = {
  json: { type: 'application/json', ext: 'json' },
  gexf: { type: 'application/xml', ext: 'gexf' },
  graphml: { type: 'application/xml', ext: 'graphml' },
  cypher: { type: 'text/plain', ext: 'cypher' },
};

export function registerExportRoutes(routes: ApiRoutes, store: GraphStore): void {
  routes.add({
    method: 'GET',
    url: '/api/export',
    summary: 'the whole graph as graphology JSON, GEXF, GraphML or a Cypher script (an attachment)',
    query: ExportQuery,
    response: { file: [...new Set(Object.values(EXPORT_MEDIA).map((m) => m.type))] },
    errors: [400, 503],
    handler: async ({ query }, reply) => {
      const format = query.format ?? 'json';
      const media = EXPORT_MEDIA[format];
      const text = exportGraph(await store.snapshot(), format);
      return reply
        .type(`${media.type}; charset=utf-8`)
        .header('content-disposition', `attachment; filename="psygraph.${media.ext}"`)
        .send(text);
    },
  });
}
