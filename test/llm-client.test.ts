import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BudgetExceededError,
  CostBudget,
  DryRunStop,
  InvalidReplyError,
  LlmClient,
  type LlmOptions,
  type ReplyFormat,
  resumeItems,
} from '../src/llm/index.js';
import { type FakeReply, type FakeServer, startFakeOpenAI } from './helpers/fake-openai.js';
import { tempDir } from './helpers/tmp.js';
import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';

const Answer = z.strictObject({ answer: z.number().int(), why: z.string().min(1) });
const format: ReplyFormat<z.infer<typeof Answer>> = { name: 'answer', schema: Answer };
const good = (n = 42): FakeReply => ({ content: JSON.stringify({ answer: n, why: 'because' }) });
const ask = [{ role: 'user' as const, content: 'What is six times seven?' }];

let server: FakeServer | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await server?.close();
  await cleanup?.();
  server = undefined;
  cleanup = undefined;
});

async function setup(script: FakeReply[], options: Partial<LlmOptions> = {}) {
  server = await startFakeOpenAI(script);
  const tmp = await tempDir();
  cleanup = tmp.cleanup;
  const logs: string[] = [];
  const client = new LlmClient({
    model: 'gpt-4o-mini',
    baseURL: server.url,
    cacheDir: path.join(tmp.dir, 'llm-cache'),
    retry: { baseMs: 1 },
    log: (l) => logs.push(l),
    ...options,
  });
  return { client, logs, server, cacheDir: path.join(tmp.dir, 'llm-cache'), dir: tmp.dir };
}

const cacheFiles = (dir: string) => readdir(dir).catch(() => [] as string[]);

describe('LlmClient against an OpenAI-compatible server', () => {
  it('asks for a JSON-schema reply, validates it and reports usage and cost', async () => {
    const { client, server } = await setup([
      { ...good(), usage: { prompt_tokens: 1000, completion_tokens: 500 } },
    ]);
    const result = await client.call({ messages: ask, format, maxTokens: 100 });
    expect(result.value).toEqual({ answer: 42, why: 'because' });
    expect(result.usage).toEqual({ promptTokens: 1000, completionTokens: 500 });
    // gpt-4o-mini: $0.15 / $0.60 per 1M tokens
    expect(result.cost).toBeCloseTo((1000 * 0.15 + 500 * 0.6) / 1e6, 10);
    const sent = server.requests[0]!;
    expect(sent.response_format?.type).toBe('json_schema');
    expect(sent.response_format?.json_schema?.name).toBe('answer');
    expect(sent.max_tokens).toBe(100);
  });

  it('re-asks once, quoting the errors, after malformed JSON', async () => {
    const { client, server } = await setup([{ content: '{"answer": 42, "why": ' }, good()]);
    const result = await client.call({ messages: ask, format, maxTokens: 100 });
    expect(result.value.answer).toBe(42);
    expect(server.requests).toHaveLength(2);
    const repair = server.requests[1]!.messages.at(-1)!.content;
    expect(repair).toMatch(/not valid JSON/);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
  });

  it('never returns or caches a reply that stays invalid', async () => {
    const { client, server, cacheDir } = await setup([
      { content: JSON.stringify({ answer: 'forty-two', why: '' }) },
    ]);
    await expect(client.call({ messages: ask, format, maxTokens: 100 })).rejects.toBeInstanceOf(
      InvalidReplyError,
    );
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.messages.at(-1)!.content).toMatch(/answer: .*number/);
    expect(await cacheFiles(cacheDir)).toEqual([]);
  });

  it('retries a 429 and a 500 with backoff, and logs each retry', async () => {
    const { client, logs, server } = await setup([{ status: 429 }, { status: 500 }, good()]);
    const result = await client.call({ messages: ask, format, maxTokens: 100 });
    expect(result.value.answer).toBe(42);
    expect(server.requests).toHaveLength(3);
    expect(logs.join('\n')).toMatch(/rate limited \(429\); retry 1\/4/);
    expect(logs.join('\n')).toMatch(/server error \(500\); retry 2\/4/);
  });

  it('retries a request that times out', async () => {
    const { client, logs, server } = await setup([{ ...good(1), delayMs: 1500 }, good(2)], {
      timeoutMs: 200,
    });
    const result = await client.call({ messages: ask, format, maxTokens: 100 });
    expect(result.value.answer).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(logs.join('\n')).toMatch(/timeout; retry 1/);
  });

  it('gives up after the retry bound', async () => {
    const { client, server } = await setup([{ status: 503 }], { retry: { baseMs: 1, retries: 2 } });
    await expect(client.call({ messages: ask, format, maxTokens: 100 })).rejects.toThrow(/503/);
    expect(server.requests).toHaveLength(3);
  });

  it('reads a streamed (SSE) reply, with usage from the last chunk', async () => {
    const { client, server } = await setup(
      [{ ...good(7), usage: { prompt_tokens: 11, completion_tokens: 13 } }],
      {
        stream: true,
      },
    );
    const result = await client.call({ messages: ask, format, maxTokens: 100 });
    expect(result.value.answer).toBe(7);
    expect(result.usage).toEqual({ promptTokens: 11, completionTokens: 13 });
    expect(server.requests[0]!.stream).toBe(true);
  });

  it('serves a repeated call from the disk cache, at no cost; a new variant is a new call', async () => {
    const { client, server, cacheDir } = await setup([good(1), good(2)]);
    const first = await client.call({ messages: ask, format, maxTokens: 100 });
    const again = await client.call({ messages: ask, format, maxTokens: 100 });
    expect(again).toMatchObject({ value: first.value, cached: true, cost: 0 });
    expect(server.requests).toHaveLength(1);
    expect(await cacheFiles(cacheDir)).toHaveLength(1);
    const other = await client.call({ messages: ask, format, maxTokens: 100, variant: 1 });
    expect(other.value.answer).toBe(2);
    expect(client.stats).toMatchObject({ calls: 2, cacheHits: 1 });
  });

  it('in JSON mode asks for json_object and puts the schema in the system prompt', async () => {
    const { client, server } = await setup([good()], { jsonMode: true });
    await client.call({
      messages: [{ role: 'system', content: 'Be exact.' }, ...ask],
      format,
      maxTokens: 100,
    });
    const sent = server.requests[0]!;
    expect(sent.response_format).toEqual({ type: 'json_object' });
    expect(sent.messages[0]!.content).toMatch(/^Be exact\.\n\nReply with one JSON object .*"answer"/s);
  });

  it('stops before a call that could take spending past --max-cost, sending nothing', async () => {
    const budget = new CostBudget(0.0001);
    const { client, server } = await setup([good()], { budget });
    // 100k output tokens of gpt-4o-mini could cost $0.06
    await expect(client.call({ messages: ask, format, maxTokens: 100_000 })).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('in --dry-run estimates and sends nothing', async () => {
    const { client, server } = await setup([good()], { dryRun: true });
    const err = await client.call({ messages: ask, format, maxTokens: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DryRunStop);
    expect((err as DryRunStop).estimate).toBe(client.estimate(ask, 1000));
    expect(client.stats.estimate).toBeGreaterThan((1000 * 0.6) / 1e6);
    expect(server.requests).toHaveLength(0);
  });
});

describe('resumeItems', () => {
  it('keeps whole lines, cuts a torn last line, and returns the finished ids', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const out = path.join(tmp.dir, 'out.jsonl');
    await writeFile(out, '{"id":"a"}\n{"id":"b"}\n{"id":"c","x":');
    const state = await resumeItems(out);
    expect([...state.done]).toEqual(['a', 'b']);
    expect(state.dropped).toBe(true);
    expect(await readFile(out, 'utf8')).toBe('{"id":"a"}\n{"id":"b"}\n');
  });
});
