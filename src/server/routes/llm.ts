/**
 * The LLM pipeline for one scenario at a time, so the explorer can show a synthesized
 * conversation, its checklist and its scores: synth, checklist, judge, evaluate, and a status
 * route. The batch commands (psygraph synth / judge / evaluate) are the way to run many.
 */
import {
  type LlmClient,
  type Turn,
  compileChecklist,
  computeMetrics,
  evaluateScenario,
  judgeCharacter,
  refineChecklist,
  synthesizeScenario,
} from '../../llm/index.js';
import { InvalidInputError, PsygraphError, type Scenario } from '../../model/index.js';
import {
  type PromptContext,
  type ResolvedScenario,
  createPromptContext,
  findCharacter,
  resolveScenario,
} from '../../prompt/index.js';
import type { GraphStore } from '../../store/graph-store.js';
import { LLM } from '../../contract/limits.js';
import {
  ChecklistRequestSchema,
  Checklist,
  EvaluateRequestSchema,
  EvaluateResultSchema,
  JudgeRequestSchema,
  JudgeResultSchema,
  LlmStatusSchema,
  type ScenarioSource,
  SynthRequestSchema,
  SynthResultSchema,
} from '../../contract/llm.js';
import type { ApiRoutes } from './define.js';
import { givenOrSaved } from './scenarios.js';

/** The models the server talks to, shared by every request (one cache, one budget, one limit). */
export interface ServerLlm {
  /** Writes scenes and conversations, refines checklists, role-plays in evaluate. */
  client: LlmClient;
  /** Scores; the same client when no separate judge model was configured. */
  judge: LlmClient;
}

/** The server was started without a model: the LLM routes answer 503 until it is restarted with one. */
export class LlmNotConfiguredError extends PsygraphError {
  readonly code = 'llm_not_configured';
  readonly callerFault = false;
}

interface Prepared {
  scenario: Scenario;
  pctx: PromptContext;
  resolved: ResolvedScenario;
}

/** The scenario of the request, checked against the graph, with body field names in its errors. */
async function prepare(body: ScenarioSource, store: GraphStore): Promise<Prepared> {
  const scenario = await givenOrSaved(body, store);
  const pctx = createPromptContext(await store.snapshot());
  return { scenario, pctx, resolved: resolveScenario(scenario, pctx) };
}

function conversationOf(scenario: Scenario, route: string): Turn[] {
  if (!scenario.conversation?.length)
    throw new InvalidInputError(
      `scenario ${scenario.id} has no conversation to ${route}: synthesize one first (POST /api/llm/synth)`,
      [{ file: 'body', path: 'scenario.conversation', message: 'missing' }],
    );
  return scenario.conversation;
}

export function registerLlmRoutes(routes: ApiRoutes, store: GraphStore, llm: ServerLlm | undefined): void {
  const need = (): ServerLlm => {
    if (!llm)
      throw new LlmNotConfiguredError(
        'no model configured: start the server with --model NAME (or PSYGRAPH_MODEL) and OPENAI_BASE_URL',
      );
    return llm;
  };
  const LLM_ERRORS = [400, 404, 502, 503] as const;

  routes.add({
    method: 'GET',
    url: '/api/llm',
    summary: 'whether a model is configured, which, and what this server has spent',
    response: LlmStatusSchema,
    errors: [],
    handler: async () => {
      if (!llm)
        return {
          configured: false,
          model: null,
          judgeModel: null,
          maxCost: null,
          spent: 0,
          calls: 0,
          cacheHits: 0,
        };
      const clients = llm.judge === llm.client ? [llm.client] : [llm.client, llm.judge];
      return {
        configured: true,
        model: llm.client.model,
        judgeModel: llm.judge.model,
        maxCost: llm.client.budget.max ?? null,
        spent: llm.client.budget.spent,
        calls: clients.reduce((n, c) => n + c.stats.calls, 0),
        cacheHits: clients.reduce((n, c) => n + c.stats.cacheHits, 0),
      };
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/llm/synth',
    summary: 'write the scene, profiles, analysis and a checked conversation for one scenario',
    body: SynthRequestSchema,
    response: SynthResultSchema,
    errors: LLM_ERRORS,
    handler: async ({ body }) => {
      const { client } = need();
      const { scenario, pctx } = await prepare(body, store);
      const written = await synthesizeScenario(
        scenario,
        pctx,
        client,
        body.regenerate ?? LLM.regenerate.default,
      );
      if (body.save) await store.saveScenarios([written], { replace: true });
      return { scenario: written, saved: !!body.save };
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/llm/checklist',
    summary:
      'the scenario- and pattern-level checklist of one scenario, from the graph (refine: reworded by the model)',
    body: ChecklistRequestSchema,
    response: Checklist,
    errors: LLM_ERRORS,
    handler: async ({ body }) => {
      const { scenario, pctx } = await prepare(body, store);
      const compiled = compileChecklist(scenario, pctx);
      if (!body.refine) return compiled;
      return (await refineChecklist(scenario, compiled, need().client)).value;
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/llm/judge',
    summary: "score a scenario's conversation per character against both checklists; IPE / MPD",
    body: JudgeRequestSchema,
    response: JudgeResultSchema,
    errors: LLM_ERRORS,
    handler: async ({ body }) => {
      const { judge } = need();
      const { scenario, pctx, resolved } = await prepare(body, store);
      const turns = conversationOf(scenario, 'judge');
      // scene partners carry no pattern, so by default only pattern carriers are judged
      const cast = resolved.cast.map((c) => c.label);
      const carriers = resolved.cast.filter((c) => c.patterns.length).map((c) => c.label);
      const characters =
        body.character === undefined ? carriers : [cast[findCharacter(resolved, body.character)]!];
      const checklist = compileChecklist(scenario, pctx);
      const model = scenario.provenance?.model ?? 'conversation';
      const judgements = [];
      for (const character of characters) {
        const target = { scenario, turns, character, checklist, model };
        judgements.push(
          (await judgeCharacter({ ...target, runs: body.runs ?? LLM.runs.default }, judge)).judgement,
        );
      }
      return { judgements, metrics: computeMetrics(judgements, model) };
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/llm/evaluate',
    summary: 'the model plays one character through a saved conversation (others replayed); judged',
    body: EvaluateRequestSchema,
    response: EvaluateResultSchema,
    errors: LLM_ERRORS,
    handler: async ({ body }) => {
      const { client, judge } = need();
      const { scenario, pctx, resolved } = await prepare(body, store);
      conversationOf(scenario, 'evaluate');
      const character = findCharacter(resolved, body.character ?? 0);
      const { judgement } = await evaluateScenario(scenario, pctx, client, {
        character,
        runs: body.runs ?? LLM.runs.default,
        judge,
        checklist: compileChecklist(scenario, pctx),
      });
      return { judgement, metrics: computeMetrics([judgement], client.model) };
    },
  });
}
