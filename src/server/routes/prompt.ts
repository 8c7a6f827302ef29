/** POST /api/prompt: compile a scenario (given, saved, or drafted from patterns) into a prompt. */
import { type Catalog, type Scenario } from '../../model/index.js';
import { type PromptItem, createPromptContext } from '../../prompt/index.js';
import type { GraphStore } from '../../store/graph-store.js';
import { type PromptInput, PromptRequestSchema, compilePrompts, draftFor } from '../../contract/prompt.js';
import { PromptResultSchema } from '../../contract/responses.js';
import type { ApiRoutes } from './define.js';
import { givenOrSaved } from './scenarios.js';

async function scenarioFor(body: PromptInput, catalog: Catalog, store: GraphStore): Promise<Scenario> {
  if (body.scenario || body.scenarioId) return givenOrSaved(body, store);
  return draftFor(catalog, body);
}

/** The contract's shapes: `{prompt}`, `{messages}` or `{records}`, each with its receipt. */
export function promptResponse(items: readonly PromptItem[]): unknown {
  const first = items[0]!;
  const { payload, receipt } = first;
  if ('prompt' in payload)
    return { prompt: payload.prompt, receipt, ...(first.character ? { character: first.character } : {}) };
  if ('messages' in payload) return { messages: payload.messages, receipt };
  return {
    records: items.map((i) => i.payload),
    receipt,
    receipts: items.map((i) => i.receipt),
  };
}

export function registerPromptRoutes(routes: ApiRoutes, store: GraphStore): void {
  routes.add({
    method: 'POST',
    url: '/api/prompt',
    summary: 'compile a graph-grounded prompt with a token receipt',
    body: PromptRequestSchema,
    response: PromptResultSchema,
    errors: [400, 404, 422, 503],
    handler: async ({ body }) => {
      const catalog = await store.snapshot();
      const scenario = await scenarioFor(body, catalog, store);
      const ctx = createPromptContext(catalog, body.encoding ? { encoding: body.encoding } : {});
      return promptResponse(compilePrompts([scenario], ctx, body));
    },
  });
}
