/** POST /api/sample and POST /api/prompt over real loopback HTTP, on the shipped seed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../src/model/index.js';
import { DIAMONDS } from '../src/sample/options.js';
import { sampleScenarios } from '../src/sample/sample.js';
import { ErrorSchema, PromptResultSchema, SampleResultSchema } from '../src/contract/responses.js';
import type { MemoryStore } from '../src/store/memory-store.js';
import { type Api, startApi } from './helpers/api.js';

let api: Api;
let base: string;
let store: MemoryStore;
beforeAll(async () => {
  api = await startApi();
  base = api.base;
  store = api.store;
});
afterAll(() => api.stop());

const post = (url: string, body: unknown) =>
  fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function sample(body: unknown) {
  const res = await post('/api/sample', body);
  expect(res.status).toBe(200);
  return SampleResultSchema.parse(await res.json());
}

async function prompt(body: unknown) {
  const res = await post('/api/prompt', body);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return PromptResultSchema.parse(await res.json());
}

/** Asserts the error status and code, and that the message and a problem name the field. */
async function expectError(res: Response, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  const { error } = ErrorSchema.parse(await res.json());
  expect(error.code).toBe(code);
  if (field) expect(error.message).toContain(field);
  return error;
}

const problemPaths = (error: { details?: unknown }) =>
  (error.details as { problems: { path: string }[] }).problems.map((p) => p.path);

describe('POST /api/sample', () => {
  it('refuses inDatabase on the embedded store with a 400 naming the field', async () => {
    const error = await expectError(
      await post('/api/sample', { n: 3, inDatabase: true }),
      400,
      'invalid_input',
      'inDatabase',
    );
    expect(error.message).toContain('Neo4j');
  });

  it('samples exactly what the core sampler gives for the same seed', async () => {
    const { scenarios, report } = await sample({ n: 5, seed: 7 });
    expect(scenarios).toHaveLength(5);
    expect(report).toMatchObject({ requested: 5, produced: 5 });
    const core = sampleScenarios(await store.snapshot(), { n: 5, seed: 7, situations: [...DIAMONDS] });
    expect(scenarios).toEqual(core.scenarios);
    expect((await sample({ n: 5, seed: 7 })).scenarios).toEqual(scenarios);
  });

  it('honours strategy, size, include, situations and characters', async () => {
    const { scenarios } = await sample({
      n: 6,
      seed: 3,
      strategy: 'coverage',
      size: [3, 3],
      include: ['insecure'],
      situations: ['life-domains'],
      characters: [1, 2],
    });
    const situations = (await store.listSituations()).filter((s) => s.family === 'life-domain');
    for (const s of scenarios) {
      expect(s.patterns).toHaveLength(3);
      expect(s.patterns).toContain('insecure');
      expect(situations.map((x) => x.id)).toContain(s.situation);
      expect(s.characters.length).toBeLessThanOrEqual(2);
    }
  });

  it.each([
    [{ n: 0 }, 'n'],
    [{ n: 1001 }, 'n'],
    [{ n: 2.5 }, 'n'],
    [{ seed: 1 }, 'n'],
    [{ n: 2, size: [5, 2] }, 'size'],
    [{ n: 2, size: [2, 9] }, 'size[1]'],
    [{ n: 2, strategy: 'manual' }, 'strategy'],
    [{ n: 2, types: ['EXCLUDES'] }, 'types[0]'],
    [{ n: 2, count: 3 }, 'count'],
    [{ n: 2, include: 'insecure' }, 'include'],
    [{ n: 2, motifs: { triangle: 1 } }, 'motifs.triangle'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const error = await expectError(await post('/api/sample', body), 400, 'invalid_input', field);
    expect(problemPaths(error)).toContain(field);
  });

  it('names the body field when the graph rejects a value', async () => {
    const unknown = await post('/api/sample', { n: 2, include: ['no-such-pattern'] });
    const error = await expectError(unknown, 400, 'invalid_input', 'include');
    expect(error.message).not.toContain('--');
    await expectError(
      await post('/api/sample', { n: 2, situations: ['nowhere'] }),
      400,
      'invalid_input',
      'situations',
    );
  });

  it('answers impossible constraints with 422', async () => {
    await expectError(
      await post('/api/sample', { n: 2, include: ['insecure'], exclude: ['insecure'] }),
      422,
      'unsatisfiable',
    );
    await expectError(
      await post('/api/sample', { n: 2, minTraits: 5, minSocial: 4 }),
      422,
      'unsatisfiable',
      'minTraits',
    );
    const few = await post('/api/sample', {
      n: 1000,
      size: [2, 2],
      include: ['insecure'],
      types: ['CONFLICTS'],
    });
    await expectError(few, 422, 'unsatisfiable');
    const allowed = await sample({
      n: 1000,
      size: [2, 2],
      include: ['insecure'],
      types: ['CONFLICTS'],
      allowFewer: true,
    });
    expect(allowed.scenarios.length).toBeLessThan(1000);
  });
});

describe('POST /api/prompt', () => {
  const draft = { patterns: ['insecure', 'spotlight-effect'], situation: 'adversity' };

  it('compiles a draft to markdown with a receipt, within a budget', async () => {
    const full = await prompt({ ...draft, format: 'markdown' });
    expect('prompt' in full && full.prompt).toContain('spotlight effect');
    expect(full.receipt.total).toBeGreaterThan(0);
    const short = await prompt({ ...draft, format: 'markdown', budget: 700, encoding: 'cl100k_base' });
    expect(short.receipt).toMatchObject({ budget: 700, encoding: 'cl100k_base' });
    expect(short.receipt.total).toBeLessThan(full.receipt.total);
  });

  it('gives OpenAI messages and a role-play prompt for a chosen character', async () => {
    const openai = await prompt({ ...draft, format: 'openai' });
    expect('messages' in openai && openai.messages.map((m) => m.role)).toEqual(['system', 'user']);
    // warm acts on the halo effect between two people, so the draft casts two characters
    const between = { patterns: ['warm', 'halo-effect'], situation: 'sociality' };
    const roleplay = await prompt({ ...between, format: 'roleplay', character: 1 });
    expect('character' in roleplay && roleplay.character).toBe('Supporting character 1');
  });

  it('compiles a scenario object and a saved scenario alike', async () => {
    const [scenario] = (await sample({ n: 1, seed: 11 })).scenarios as [Scenario];
    const inline = await prompt({ scenario, format: 'markdown' });
    await store.saveScenarios([scenario]);
    const saved = await prompt({ scenarioId: scenario.id, format: 'markdown' });
    expect(saved).toEqual(inline);
    await expectError(
      await post('/api/prompt', { scenarioId: 'no-such-scenario', format: 'markdown' }),
      404,
      'not_found',
    );
  });

  it('makes one ShareGPT record per speaking character of a written scene', async () => {
    const [drafted] = (await sample({ n: 1, seed: 5 })).scenarios as [Scenario];
    const scenario: Scenario = {
      ...drafted,
      characters: drafted.characters.map((c, i) => ({ ...c, name: i ? 'Ben' : 'Ana' })),
      conversation: [
        { char: 'Ben', content: 'You are late again.' },
        { char: 'Ana', content: '[I feel every eye on me] Sorry, the bus.' },
      ],
    };
    const result = await prompt({ scenario, format: 'sharegpt' });
    if (!('records' in result)) throw new Error('expected records');
    expect(result.records).toHaveLength(2);
    expect(result.receipts).toHaveLength(2);
    expect(result.receipt).toEqual(result.receipts[0]);
    await expectError(await post('/api/prompt', { ...draft, format: 'sharegpt' }), 400, 'invalid_input');
  });

  it.each([
    [{ format: 'markdown' }, 'scenario'],
    [{ ...draft, scenarioId: 'x', format: 'markdown' }, 'scenario'],
    [{ patterns: ['insecure'], format: 'markdown' }, 'situation'],
    [{ ...draft, format: 'pdf' }, 'format'],
    [{ ...draft }, 'format'],
    [{ ...draft, format: 'markdown', budget: 0 }, 'budget'],
    [{ ...draft, format: 'markdown', character: 0 }, 'character'],
    [{ ...draft, format: 'markdown', encoding: 'gpt2' }, 'encoding'],
    [{ scenario: { id: 'x' }, format: 'markdown' }, 'scenario.patterns'],
  ])('rejects %j with 400 naming %s', async (body, field) => {
    const error = await expectError(await post('/api/prompt', body), 400, 'invalid_input', field);
    expect(problemPaths(error)).toContain(field);
  });

  it('rejects ids the graph does not have with 400, and an impossible cast with 422', async () => {
    await expectError(
      await post('/api/prompt', {
        patterns: ['no-such-pattern'],
        situation: 'adversity',
        format: 'markdown',
      }),
      400,
      'invalid_input',
      'patterns',
    );
    const [scenario] = (await sample({ n: 1, seed: 2 })).scenarios as [Scenario];
    const stranger = { ...scenario, situation: 'nowhere' };
    const error = await expectError(
      await post('/api/prompt', { scenario: stranger, format: 'markdown' }),
      400,
      'invalid_input',
    );
    expect(problemPaths(error)).toContain('situation');
    await expectError(
      await post('/api/prompt', {
        patterns: ['insecure'],
        situation: 'adversity',
        characters: 2,
        format: 'markdown',
      }),
      422,
      'unsatisfiable',
      'characters',
    );
  });
});
