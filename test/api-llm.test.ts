/**
 * /api/llm/* over real loopback HTTP, with the real openai client talking to the local
 * OpenAI-compatible test server: one scenario synthesized, its checklist, judged, evaluated.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CostBudget, LlmClient } from '../src/llm/index.js';
import type { Scenario } from '../src/model/index.js';
import { sampleScenarios } from '../src/sample/sample.js';
import type { ServerLlm } from '../src/server/routes/llm.js';
import {
  Checklist,
  EvaluateResultSchema,
  JudgeResultSchema,
  LlmStatusSchema,
  SynthResultSchema,
} from '../src/contract/llm.js';
import { ErrorSchema } from '../src/contract/responses.js';
import { type Api, startApi } from './helpers/api.js';
import { tempDir } from './helpers/tmp.js';
import {
  type FakeServer,
  type Responder,
  pipelineResponder,
  startFakeOpenAI,
} from './helpers/fake-openai.js';

const SCENE = 'You are a psychologist and screenwriter';

function post(api: Api, url: string, body: unknown): Promise<Response> {
  return fetch(`${api.base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function ok<T>(res: Response, schema: { parse: (v: unknown) => T }): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return schema.parse(JSON.parse(text));
}

async function expectError(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const { error } = ErrorSchema.parse(JSON.parse(text));
  expect(error.code).toBe(code);
  return error;
}

/** An API whose LLM routes talk to a fake server answering with `responder`. */
async function apiWithLlm(
  responder: Responder,
  { judgeModel, maxCost }: { judgeModel?: string; maxCost?: number } = {},
): Promise<{ api: Api; fake: FakeServer; stop: () => Promise<void> }> {
  const fake = await startFakeOpenAI(responder);
  const cache = await tempDir('psygraph-api-llm-');
  const options = {
    baseURL: fake.url,
    cacheDir: path.join(cache.dir, 'llm-cache'),
    retry: { retries: 1, baseMs: 1 },
    timeoutMs: 5_000,
    budget: new CostBudget(maxCost),
  };
  const client = new LlmClient({ ...options, model: 'gpt-4o' });
  const llm: ServerLlm = {
    client,
    judge: judgeModel ? new LlmClient({ ...options, model: judgeModel }) : client,
  };
  const api = await startApi({ llm });
  const stop = async () => {
    await api.stop();
    await fake.close();
    await cache.cleanup();
  };
  return { api, fake, stop };
}

/** A few seed scenarios, the first saved in the library as a draft (no conversation yet). */
async function drafts(api: Api): Promise<Scenario[]> {
  // scenarios in which every character carries a pattern (no scene partner), so each can be judged
  const { scenarios: all } = sampleScenarios(await api.store.snapshot(), { n: 60, seed: 11, size: [2, 3] });
  const scenarios = all.filter((s) => s.characters.every((c) => c.patterns.length)).slice(0, 3);
  await api.store.saveScenarios([scenarios[0]!]);
  return scenarios;
}

describe('/api/llm with a model configured', () => {
  let api: Api;
  let fake: FakeServer;
  let stop: () => Promise<void>;
  let scenarios: Scenario[];
  beforeAll(async () => {
    ({ api, fake, stop } = await apiWithLlm(pipelineResponder(), { judgeModel: 'gpt-4o-mini' }));
    scenarios = await drafts(api);
  });
  afterAll(() => stop());

  it('reports the models and what was spent', async () => {
    const status = await ok(await fetch(`${api.base}/api/llm`), LlmStatusSchema);
    expect(status).toMatchObject({
      configured: true,
      model: 'gpt-4o',
      judgeModel: 'gpt-4o-mini',
      maxCost: null,
    });
  });

  it('synthesizes a saved draft, saves it over the draft, and costs nothing the second time', async () => {
    const id = scenarios[0]!.id;
    const { scenario, saved } = await ok(
      await post(api, '/api/llm/synth', { scenarioId: id, save: true }),
      SynthResultSchema,
    );
    expect(saved).toBe(true);
    expect(scenario.id).toBe(id);
    expect(scenario.storyBackground).toMatch(/deadline/);
    expect(scenario.conversation!.length).toBeGreaterThanOrEqual(12);
    expect(scenario.provenance).toMatchObject({ model: 'gpt-4o', promptHash: expect.any(String) });
    // the library now holds the written scenario under the same id, and only once
    expect(await api.store.getScenario(id)).toEqual(scenario);
    expect((await api.store.stats()).scenarios).toBe(1);

    const served = fake.served();
    // the same draft again: every call is answered from the cache
    const again = await ok(await post(api, '/api/llm/synth', { scenario: scenarios[0] }), SynthResultSchema);
    expect(fake.served()).toBe(served);
    expect(again.saved).toBe(false);
    expect(again.scenario.conversation).toEqual(scenario.conversation);
    const status = await ok(await fetch(`${api.base}/api/llm`), LlmStatusSchema);
    expect(status.cacheHits).toBeGreaterThanOrEqual(2);
    expect(status.calls).toBe(served);
  });

  it('compiles the checklist from the graph, and rewords it only when asked', async () => {
    const body = { scenario: scenarios[1]! };
    const served = fake.served();
    const compiled = await ok(await post(api, '/api/llm/checklist', body), Checklist);
    expect(fake.served()).toBe(served);
    const scenarioItems = compiled.items.filter((i) => i.level === 'scenario');
    expect(scenarioItems.length).toBeGreaterThanOrEqual(2);
    for (const item of scenarioItems) expect(item.relation ?? item.pattern).toBeTruthy();

    const refined = await ok(await post(api, '/api/llm/checklist', { ...body, refine: true }), Checklist);
    expect(fake.served()).toBe(served + 1);
    const reworded = refined.items.filter((i) => i.level === 'scenario');
    expect(reworded.map((i) => i.id)).toEqual(scenarioItems.map((i) => i.id));
    expect(reworded.every((i) => i.text.startsWith('Observable behaviour for'))).toBe(true);
    expect(refined.provenance?.model).toBe('gpt-4o');
  });

  it('judges every character of a synthesized conversation with the judge model', async () => {
    const id = scenarios[0]!.id;
    const { judgements, metrics } = await ok(
      await post(api, '/api/llm/judge', { scenarioId: id, runs: 2 }),
      JudgeResultSchema,
    );
    const saved = (await api.store.getScenario(id))!;
    expect(judgements.map((j) => j.character)).toEqual(saved.characters.map((c) => c.name));
    for (const j of judgements) {
      expect(j).toMatchObject({ scenarioId: id, model: 'gpt-4o', judgeModel: 'gpt-4o-mini' });
      expect(j.runs).toHaveLength(2);
      for (const item of j.runs.flat()) if (item.score !== 0) expect(item.evidence).not.toBe('');
    }
    expect(metrics.ipe.runs).toBe(2);
    expect(metrics.ipe.samples).toBe(judgements.length);
    for (const m of [metrics.ipe.mean, metrics.mpd.mean]) expect(Math.abs(m!)).toBeLessThanOrEqual(100);

    const one = await ok(
      await post(api, '/api/llm/judge', { scenarioId: id, character: 1, runs: 1 }),
      JudgeResultSchema,
    );
    expect(one.judgements.map((j) => j.character)).toEqual([saved.characters[1]!.name]);
  });

  it('evaluates the model playing one character, the others replayed', async () => {
    const id = scenarios[0]!.id;
    const { judgement, metrics } = await ok(
      await post(api, '/api/llm/evaluate', { scenarioId: id, character: 0, runs: 1 }),
      EvaluateResultSchema,
    );
    const saved = (await api.store.getScenario(id))!;
    const me = saved.characters[0]!.name!;
    expect(judgement.character).toBe(me);
    expect(judgement.model).toBe('gpt-4o');
    const mine = judgement.turns!.filter((t) => t.char === me);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t) => t.content.includes('I hear you'))).toBe(true);
    // the other characters' turns are the saved ones, unchanged
    expect(judgement.turns!.filter((t) => t.char !== me)).toEqual(
      saved.conversation!.filter((t) => t.char !== me),
    );
    expect(metrics.model).toBe('gpt-4o');
  });

  it('names the field at fault for bad requests (400) and unknown scenarios (404)', async () => {
    const both = await expectError(
      await post(api, '/api/llm/synth', { scenario: scenarios[1], scenarioId: 'x' }),
      400,
      'invalid_input',
    );
    expect(both.message).toContain('scenario');
    await expectError(await post(api, '/api/llm/synth', {}), 400, 'invalid_input');
    await expectError(await post(api, '/api/llm/judge', { scenarioId: 'nope' }), 404, 'not_found');
    const runs = await expectError(
      await post(api, '/api/llm/judge', { scenarioId: scenarios[0]!.id, runs: 50 }),
      400,
      'invalid_input',
    );
    expect(runs.message).toContain('runs');
    const who = await expectError(
      await post(api, '/api/llm/judge', { scenarioId: scenarios[0]!.id, character: 'Nobody' }),
      400,
      'invalid_input',
    );
    expect(who.message).toMatch(/^character: .*no character "Nobody"/);
    const draft = await expectError(
      await post(api, '/api/llm/judge', { scenario: scenarios[2] }),
      400,
      'invalid_input',
    );
    expect(draft.message).toContain('no conversation');
    const unknown = { ...scenarios[2]!, patterns: [...scenarios[2]!.patterns, 'no-such-pattern'] };
    await expectError(await post(api, '/api/llm/synth', { scenario: unknown }), 400, 'invalid_input');
  });
});

describe('/api/llm when the model misbehaves or no model is configured', () => {
  it('answers 503 llm_not_configured, but still compiles checklists from the graph', async () => {
    const api = await startApi();
    try {
      const status = await ok(await fetch(`${api.base}/api/llm`), LlmStatusSchema);
      expect(status).toMatchObject({ configured: false, model: null });
      const scenario = (await drafts(api))[0]!;
      const error = await expectError(
        await post(api, '/api/llm/synth', { scenario }),
        503,
        'llm_not_configured',
      );
      expect(error.message).toContain('--model');
      await ok(await post(api, '/api/llm/checklist', { scenario }), Checklist);
      await expectError(
        await post(api, '/api/llm/checklist', { scenario, refine: true }),
        503,
        'llm_not_configured',
      );
    } finally {
      await api.stop();
    }
  });

  it('answers 502 for a reply that never validates, and saves nothing', async () => {
    const pipeline = pipelineResponder();
    const { api, stop } = await apiWithLlm((req, i) =>
      req.messages[0]!.content.startsWith(SCENE) ? { content: '{"storyBackground": ' } : pipeline(req, i),
    );
    try {
      const draft = (await drafts(api))[0]!;
      const error = await expectError(
        await post(api, '/api/llm/synth', { scenarioId: draft.id, save: true }),
        502,
        'invalid_reply',
      );
      expect(error.message).toMatch(/JSON/);
      expect(await api.store.getScenario(draft.id)).toEqual(draft);
    } finally {
      await stop();
    }
  });

  it('answers 502 when the endpoint keeps failing', async () => {
    const { api, fake, stop } = await apiWithLlm(() => ({ status: 500 }));
    try {
      const draft = (await drafts(api))[0]!;
      const error = await expectError(
        await post(api, '/api/llm/synth', { scenarioId: draft.id }),
        502,
        'llm_request_failed',
      );
      expect(error.message).toContain('500');
      expect(fake.requests).toHaveLength(2); // the first try and one retry
    } finally {
      await stop();
    }
  });

  it('answers 503 budget_exceeded before sending a call past --max-cost', async () => {
    const { api, fake, stop } = await apiWithLlm(pipelineResponder(), { maxCost: 0.000001 });
    try {
      const draft = (await drafts(api))[0]!;
      const error = await expectError(
        await post(api, '/api/llm/synth', { scenarioId: draft.id }),
        503,
        'budget_exceeded',
      );
      expect(error.message).toContain('--max-cost');
      expect(fake.requests).toHaveLength(0);
    } finally {
      await stop();
    }
  });
});
