/** The scenario library: list, get, save, delete. */
import { NotFoundError, type Scenario as ScenarioData } from '../../model/index.js';
import type { GraphStore } from '../../store/graph-store.js';
import { IdParams, SaveScenariosRequestSchema, ScenarioQuery } from '../../contract/requests.js';
import { DeletedSchema, SaveResultSchema, Scenario, ScenarioListSchema } from '../../contract/responses.js';
import type { ApiRoutes } from './define.js';

/** The scenario a request names: given in the body, or saved under `scenarioId`. */
export async function givenOrSaved(
  body: { scenario?: ScenarioData; scenarioId?: string },
  store: GraphStore,
): Promise<ScenarioData> {
  if (body.scenario) return body.scenario;
  const saved = body.scenarioId ? await store.getScenario(body.scenarioId) : undefined;
  if (!saved) throw new NotFoundError(`no saved scenario "${body.scenarioId ?? ''}"`);
  return saved;
}

export function registerScenarioRoutes(routes: ApiRoutes, store: GraphStore): void {
  routes.add({
    method: 'GET',
    url: '/api/scenarios',
    summary: 'list saved scenarios, by pattern and situation, sorted by id',
    query: ScenarioQuery,
    response: ScenarioListSchema,
    errors: [400, 503],
    handler: ({ query }) => store.listScenarios(query),
  });

  routes.add({
    method: 'GET',
    url: '/api/scenarios/:id',
    summary: 'one saved scenario',
    params: IdParams,
    response: Scenario,
    errors: [404, 503],
    handler: async ({ params }) => {
      const scenario = await store.getScenario(params.id);
      if (!scenario) throw new NotFoundError(`no saved scenario "${params.id}"`);
      return scenario;
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/scenarios',
    summary: 'save scenarios; ones already saved are left unchanged and listed as existing',
    body: SaveScenariosRequestSchema,
    response: SaveResultSchema,
    errors: [400, 413, 503],
    handler: ({ body }) => store.saveScenarios(body.scenarios),
  });

  routes.add({
    method: 'DELETE',
    url: '/api/scenarios/:id',
    summary: 'delete one saved scenario',
    params: IdParams,
    response: DeletedSchema,
    errors: [404, 503],
    handler: async ({ params }) => {
      const deleted = await store.deleteScenarios([params.id]);
      if (!deleted) throw new NotFoundError(`no saved scenario "${params.id}"`);
      return { deleted: 1 };
    },
  });
}
