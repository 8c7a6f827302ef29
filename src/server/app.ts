import Fastify, { type FastifyInstance } from 'fastify';
import type { GraphStore } from '../store/graph-store.js';
import { installErrorHandlers } from './errors.js';

export interface AppOptions {
  store: GraphStore;
  logger?: boolean;
}

/** The HTTP API (under /api) and, at /, the explorer. */
export async function buildApp({ store, logger = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger });
  installErrorHandlers(app);

  app.get('/api/health', async () => ({ ok: true, backend: store.backend }));
  app.get('/api/stats', async () => store.stats());

  app.get('/', async (_request, reply) => {
    const stats = await store.stats();
    return reply
      .type('text/html; charset=utf-8')
      .send(landingPage(stats.patterns, stats.relations, stats.graphHash));
  });
  return app;
}

function landingPage(patterns: number, relations: number, hash: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>psygraph</title></head>
<body><h1>psygraph</h1><p>${patterns} patterns, ${relations} relations (graph ${hash}).</p>
<p>API: <a href="/api/stats">/api/stats</a></p></body></html>`;
}
