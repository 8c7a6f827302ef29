import Fastify, { type FastifyInstance } from 'fastify';
import type { CompatibleVerdict } from '../model/index.js';
import type { GraphStore } from '../store/graph-store.js';
import { installErrorHandler, notFoundReply } from './errors.js';
import { buildOpenApiDocument } from './openapi.js';
import { ApiRoutes } from './routes/define.js';
import { registerAnnotateRoutes } from './routes/annotate.js';
import { registerExportRoutes } from './routes/export.js';
import { registerGraphRoutes } from './routes/graph.js';
import { type ServerLlm, registerLlmRoutes } from './routes/llm.js';
import { registerPathRoutes } from './routes/paths.js';
import { registerPatternRoutes } from './routes/patterns.js';
import { registerPromptRoutes } from './routes/prompt.js';
import { registerSampleRoutes } from './routes/sample.js';
import { registerScenarioRoutes } from './routes/scenarios.js';
import { OpenApiDocumentSchema } from '../contract/responses.js';
import { registerUi } from './static.js';

export interface AppOptions {
  store: GraphStore;
  /** The built explorer (ui/dist); without an index.html there, / serves a minimal landing page. */
  uiDir?: string;
  logger?: boolean;
  /** The models behind /api/llm/*; without them those routes answer 503 llm_not_configured. */
  llm?: ServerLlm;
  /** The seed's reviewed compatible trait pairs, whose reasons /api/traits attaches. */
  traitVerdicts?: readonly CompatibleVerdict[];
  /**
   * Build `/api/graph`'s answer in the background once the server is ready (psygraph serve), so
   * the first page load does not wait for it; a failure there is left to the first request.
   */
  warmGraph?: boolean;
}

/** Saving a few thousand synthesized scenarios in one request fits; anything far larger is a 413. */
const BODY_LIMIT = 16 * 1024 * 1024;

/** The HTTP API (under /api) and, at /, the explorer. */
export async function buildApp({
  store,
  uiDir,
  logger = false,
  llm,
  traitVerdicts = [],
  warmGraph = false,
}: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: BODY_LIMIT });
  installErrorHandler(app);

  const routes = new ApiRoutes(app);
  const graph = registerGraphRoutes(routes, store, traitVerdicts);
  if (warmGraph)
    app.addHook('onReady', async () => {
      void graph.warm().catch(() => {});
    });
  registerPatternRoutes(routes, store);
  registerPathRoutes(routes, store);
  registerSampleRoutes(routes, store);
  registerPromptRoutes(routes, store);
  registerScenarioRoutes(routes, store);
  registerExportRoutes(routes, store);
  registerLlmRoutes(routes, store, llm);
  registerAnnotateRoutes(routes, store);

  let document: unknown;
  routes.add({
    method: 'GET',
    url: '/api/openapi.json',
    summary: 'this document (OpenAPI 3.1)',
    response: OpenApiDocumentSchema,
    errors: [],
    handler: async () => (document ??= buildOpenApiDocument(routes.docs)),
  });

  const allowed = (pathname: string) => routes.allowedMethods(pathname);
  // Before any body parsing: a method the path does not declare is a 405, whatever its body.
  app.addHook('onRequest', async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const methods = pathname.startsWith('/api/') ? allowed(pathname) : [];
    if (methods.length && !methods.includes(request.method)) return notFoundReply(request, reply, allowed);
  });
  await registerUi(app, store, uiDir, allowed);
  return app;
}
