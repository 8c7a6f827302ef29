/** The scenario library over real loopback HTTP, and how the API treats malformed bodies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Scenario, ScenarioSchema } from '../src/model/index.js';
import {
  DeletedSchema,
  ErrorSchema,
  SampleResultSchema,
  SaveResultSchema,
  ScenarioListSchema,
  StatsSchema,
} from '../src/contract/responses.js';
import { type Api, startApi } from './helpers/api.js';

let api: Api;
let base: string;
beforeAll(async () => {
  api = await startApi();
  base = api.base;
});
afterAll(() => api.stop());

const send = (method: string, url: string, body?: unknown, type = 'application/json') =>
  fetch(`${base}${url}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

async function json<S extends { parse: (v: unknown) => unknown }>(res: Response, schema: S) {
  expect(res.status).toBe(200);
  return schema.parse(await res.json()) as ReturnType<S['parse']>;
}

async function expectError(res: Response, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  const { error } = ErrorSchema.parse(await res.json());
  expect(error.code).toBe(code);
  if (field) {
    expect(error.message).toContain(field);
    const problems = (error.details as { problems: { path: string }[] }).problems;
    expect(problems.map((p) => p.path)).toContain(field);
  }
  return error;
}

describe('the scenario library', () => {
  let scenarios: Scenario[];

  it('saves sampled scenarios once, and reports the ones already there', async () => {
    ({ scenarios } = await json(await send('POST', '/api/sample', { n: 4, seed: 9 }), SampleResultSchema));
    const first = await json(await send('POST', '/api/scenarios', { scenarios }), SaveResultSchema);
    expect(first).toEqual({ saved: scenarios.map((s) => s.id), existing: [] });
    const again = await json(await send('POST', '/api/scenarios', { scenarios }), SaveResultSchema);
    expect(again).toEqual({ saved: [], existing: scenarios.map((s) => s.id) });
    expect((await json(await send('GET', '/api/stats'), StatsSchema)).scenarios).toBe(4);
  });

  it('lists them sorted by id, by pattern and situation, with a limit', async () => {
    const all = await json(await send('GET', '/api/scenarios'), ScenarioListSchema);
    expect(all.map((s) => s.id)).toEqual(scenarios.map((s) => s.id).sort());
    const one = scenarios[0]!;
    const byPattern = await json(
      await send('GET', `/api/scenarios?pattern=${one.patterns[0]}`),
      ScenarioListSchema,
    );
    expect(byPattern.map((s) => s.id)).toContain(one.id);
    expect(byPattern.every((s) => s.patterns.includes(one.patterns[0]!))).toBe(true);
    const bySituation = await json(
      await send('GET', `/api/scenarios?situation=${one.situation}`),
      ScenarioListSchema,
    );
    expect(bySituation.every((s) => s.situation === one.situation)).toBe(true);
    expect(await json(await send('GET', '/api/scenarios?limit=1'), ScenarioListSchema)).toHaveLength(1);
  });

  it('gets and deletes one by id; an unknown id is 404', async () => {
    const one = scenarios[0]!;
    expect(await json(await send('GET', `/api/scenarios/${one.id}`), ScenarioSchema)).toEqual(one);
    expect(await json(await send('DELETE', `/api/scenarios/${one.id}`), DeletedSchema)).toEqual({
      deleted: 1,
    });
    await expectError(await send('GET', `/api/scenarios/${one.id}`), 404, 'not_found');
    await expectError(await send('DELETE', `/api/scenarios/${one.id}`), 404, 'not_found');
    expect(await json(await send('GET', '/api/scenarios'), ScenarioListSchema)).toHaveLength(3);
  });

  it('rejects bad scenarios and filters with 400 naming the field, saving nothing', async () => {
    const good = scenarios[1]!;
    const bad = { ...good, id: 'bad-one', motif: 'spiral' };
    await expectError(
      await send('POST', '/api/scenarios', { scenarios: [good, bad] }),
      400,
      'invalid_input',
      'scenarios[1].motif',
    );
    await expectError(await send('POST', '/api/scenarios', {}), 400, 'invalid_input', 'scenarios');
    await expectError(await send('POST', '/api/scenarios', []), 400, 'invalid_input', '(root)');
    await expectError(await send('GET', '/api/scenarios?limit=0'), 400, 'invalid_input', 'limit');
    await expectError(await send('GET', '/api/scenarios?limit=ten'), 400, 'invalid_input', 'limit');
    expect(await json(await send('GET', '/api/scenarios'), ScenarioListSchema)).toHaveLength(3);
  });
});

describe('malformed requests', () => {
  it('answers a body that is not JSON with 400 invalid_input', async () => {
    const error = await expectError(await send('POST', '/api/sample', '{"n": 2,'), 400, 'invalid_input');
    expect(error.message).toMatch(/JSON/);
    await expectError(await send('POST', '/api/scenarios', ''), 400, 'invalid_input');
  });

  it('answers a missing body with 400 and another content type with 415', async () => {
    const missing = await expectError(await send('POST', '/api/prompt'), 400, 'invalid_input');
    expect(missing.message).toContain('body is missing');
    await expectError(
      await send('POST', '/api/sample', 'n=2', 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
  });
});
