/** The explorer: the built UI (ui/dist) when present, else a minimal landing page. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { GraphStore } from '../store/graph-store.js';
import { notFoundReply } from './errors.js';

/** Client-side routes have no file extension; a missing /assets/x.js stays a 404. */
const isAppPath = (url: string) => {
  const pathname = url.split('?')[0] ?? '/';
  return !pathname.startsWith('/api/') && pathname !== '/api' && !path.posix.basename(pathname).includes('.');
};

export async function registerUi(
  app: FastifyInstance,
  store: GraphStore,
  uiDir: string | undefined,
  allowed: (pathname: string) => string[],
): Promise<'ui' | 'landing'> {
  const root = uiDir ? path.resolve(uiDir) : undefined;
  if (root && existsSync(path.join(root, 'index.html'))) {
    await app.register(fastifyStatic, { root, wildcard: true });
    app.setNotFoundHandler((request, reply) => {
      if ((request.method === 'GET' || request.method === 'HEAD') && isAppPath(request.url))
        return reply.sendFile('index.html');
      return notFoundReply(request, reply, allowed);
    });
    return 'ui';
  }
  app.setNotFoundHandler((request, reply) => notFoundReply(request, reply, allowed));
  app.get('/', async (_request, reply) => {
    const stats = await store.stats();
    return reply
      .type('text/html; charset=utf-8')
      .send(landingPage(stats.patterns, stats.relations, stats.graphHash));
  });
  return 'landing';
}

function landingPage(patterns: number, relations: number, hash: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>psygraph</title></head>
<body><h1>psygraph</h1><p>${patterns} patterns, ${relations} relations (graph ${hash}).</p>
<p>The explorer is not built (<code>npm run build:ui</code>). API: <a href="/api/stats">/api/stats</a>,
<a href="/api/openapi.json">/api/openapi.json</a></p></body></html>`;
}
