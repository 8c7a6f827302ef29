/**
 * synth and judge with --batch: the built CLI against the fake OpenAI-compatible server's Batch API
 * (files, batches), including a crash while polling and the resume that attaches to the same batch.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeBatchOptions,
  type FakeRequest,
  type FakeServer,
  pipelineResponder,
  withFakeOpenAI,
} from './helpers/fake-openai.js';
import { type LlmWorkspace, type Run, jsonLines, llmWorkspace } from './helpers/llm-run.js';
import { tempDir } from './helpers/tmp.js';

interface RequestLine {
  custom_id: string;
  method: string;
  url: string;
  body: FakeRequest & Record<string, unknown>;
}

let ws: LlmWorkspace;
let cleanup: () => Promise<void> = async () => {};
let drafts = '';
const N = 4;
const MODEL = 'gpt-4o-mini';

beforeAll(async () => {
  let dir: string;
  ({ dir, cleanup } = await tempDir());
  ws = await llmWorkspace(dir);
  drafts = await ws.drafts(N, 5, path.join(dir, 'drafts.jsonl'));
});
afterAll(() => cleanup());

const file = (name: string) => path.join(ws.dir, name);
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const requestLines = async (p: string) => jsonLines<RequestLine>(p);
const system = (body: FakeRequest) => body.messages.find((m) => m.role === 'system')?.content ?? '';
const isScene = (body: FakeRequest) => system(body).startsWith('You are a psychologist and screenwriter');

const run = (args: string[], server: FakeServer, data: string): Promise<Run> =>
  ws.run([...args, '--model', MODEL, '--retry-base', '1'], { OPENAI_BASE_URL: server.url }, data);

const batchArgs = ['--batch', '--poll-interval', '5'];

describe('synth --batch', () => {
  const out = () => file('synth-batch.jsonl');
  const data = () => file('data-batch');

  it('runs scene and conversation as two batch rounds, writes every scenario and cleans up its state', async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const r = await run(['synth', '--scenarios', drafts, '--out', out(), ...batchArgs], server, data());
      expect(r.stderr).toContain('synth: wrote 4, skipped 0 already done, 0 failed');
      expect(r.code).toBe(0);
      const written = await jsonLines<{ id: string; conversation: unknown[]; storyBackground: string }>(
        out(),
      );
      expect(written).toHaveLength(N);
      expect(written.every((s) => s.conversation.length >= 12 && s.storyBackground)).toBe(true);
      // one batch per step, each with one request per scenario, through the Batch API only
      expect(server.batches.map((b) => b.lines.length)).toEqual([N, N]);
      expect(server.batches.every((b) => b.endpoint === '/v1/chat/completions')).toBe(true);
      expect(server.batches.every((b) => b.completionWindow === '24h')).toBe(true);
      expect([...server.files.values()].filter((f) => f.purpose === 'batch')).toHaveLength(2);
      expect(r.stderr).toMatch(/synth: round 1: 4 request\(s\) in batch batch_1/);
      expect(r.stderr).toMatch(/synth: batch batch_2: completed 4\/4 done, 0 failed/);
      expect(await exists(`${out()}.batch.json`)).toBe(false);

      // the request files: one line per request, in the Batch API's format, as uploaded
      const round1 = await requestLines(`${out()}.batch-1.requests.jsonl`);
      const round2 = await requestLines(`${out()}.batch-2.requests.jsonl`);
      for (const line of [...round1, ...round2]) {
        expect(Object.keys(line).sort()).toEqual(['body', 'custom_id', 'method', 'url']);
        expect(line).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: MODEL } });
      }
      expect(new Set(round1.map((l) => l.custom_id)).size).toBe(N);
      expect(round1.every((l) => isScene(l.body) && l.body.max_tokens === 2000)).toBe(true);
      expect(round1[0]!.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { name: 'scene' },
      });
      expect(
        round2.every((l) => !isScene(l.body) && l.body.max_tokens === 3000 && !l.body.response_format),
      ).toBe(true);
      const uploaded = [...server.files.values()].find((f) => f.purpose === 'batch')!;
      expect(uploaded.content).toBe(await readFile(`${out()}.batch-1.requests.jsonl`, 'utf8'));
      expect(uploaded.filename).toBe(path.basename(`${out()}.batch-1.requests.jsonl`));

      // the bodies are exactly what the live path sends
      await withFakeOpenAI(pipelineResponder(), async (live) => {
        const l = await run(
          ['synth', '--scenarios', drafts, '--out', file('synth-live.jsonl')],
          live,
          file('data-live'),
        );
        expect(l.code).toBe(0);
        const canon = (bodies: unknown[]) => bodies.map((b) => JSON.stringify(b)).sort();
        expect(canon(live.requests)).toEqual(canon([...round1, ...round2].map((x) => x.body)));
      });

      // the replies went into the reply cache: the live path with the same data dir sends nothing
      const before = server.requests.length;
      const again = await run(
        ['synth', '--scenarios', drafts, '--out', file('synth-again.jsonl')],
        server,
        data(),
      );
      expect(again.code).toBe(0);
      expect(again.stderr).toContain('0 call(s), 8 cache hit(s)');
      expect(server.requests.length).toBe(before);
      expect(await jsonLines(file('synth-again.jsonl'))).toHaveLength(N);
    });
  });

  it('judge --batch asks all k runs of every character in one round and prints IPE / MPD', async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const out = file('judge-batch.jsonl');
      const r = await run(
        [
          'judge',
          '--scenarios',
          file('synth-batch.jsonl'),
          '--out',
          out,
          '--runs',
          '3',
          '--temperature',
          '0.2',
          ...batchArgs,
        ],
        server,
        data(),
      );
      expect(r.code).toBe(0);
      const judged = await jsonLines<{ id: string; runs: unknown[][]; judgeConfig: { runs: number } }>(out);
      expect(judged.length).toBeGreaterThanOrEqual(N);
      expect(judged.every((j) => j.runs.length === 3 && j.judgeConfig.runs === 3)).toBe(true);
      expect(server.batches).toHaveLength(1);
      const lines = await requestLines(`${out}.batch-1.requests.jsonl`);
      expect(lines).toHaveLength(3 * judged.length);
      expect(lines.every((l) => l.body.temperature === 0.2 && l.body.max_tokens === 4000)).toBe(true);
      expect(r.stdout).toMatch(/\| gpt-4o-mini \| -?\d+\.\d±\d+\.\d \|/);
      expect(await exists(`${out}.batch.json`)).toBe(false);
    });
  });
});

describe('batch rounds', () => {
  it('an invalid reply is re-asked in the next round with its errors quoted, as on the live path', async () => {
    const base = pipelineResponder();
    let scenes = 0;
    await withFakeOpenAI(
      (req, i) => (isScene(req) && scenes++ === 0 ? { content: '{"storyBackground": ""}' } : base(req, i)),
      async (server) => {
        const out = file('reask.jsonl');
        const r = await run(
          ['synth', '--scenarios', drafts, '--out', out, ...batchArgs],
          server,
          file('data-reask'),
        );
        expect(r.code).toBe(0);
        expect(await jsonLines(out)).toHaveLength(N);
        // scenes; conversations + the re-asked scene; the last conversation
        expect(server.batches.map((b) => b.lines.length)).toEqual([N, N, 1]);
        const reask = server.batches[1]!.lines.find((l) => isScene(l.body))!;
        expect(reask.custom_id).toMatch(/-1$/);
        expect(reask.body.messages.at(-2)).toEqual({ role: 'assistant', content: '{"storyBackground": ""}' });
        expect(reask.body.messages.at(-1)!.content).toMatch(/^Your reply is not valid:\n- /);
      },
    );
  });

  it('a request the batch answers with an error fails its item only (exit 1); a re-run retries it', async () => {
    const base = pipelineResponder();
    let scenes = 0;
    await withFakeOpenAI(
      (req, i) => (isScene(req) && scenes++ === 1 ? { status: 500 } : base(req, i)),
      async (server) => {
        const out = file('line-error.jsonl');
        const data = file('data-line-error');
        const r = await run(['synth', '--scenarios', drafts, '--out', out, ...batchArgs], server, data);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/the batch has no reply for this request: HTTP 500: scripted 500/);
        expect(r.stderr).toContain('synth: wrote 3, skipped 0 already done, 1 failed');
        expect(await jsonLines(out)).toHaveLength(N - 1);
        const again = await run(['synth', '--scenarios', drafts, '--out', out, ...batchArgs], server, data);
        expect(again.code).toBe(0);
        expect(again.stderr).toContain('synth: wrote 1, skipped 3 already done, 0 failed');
        expect(await jsonLines(out)).toHaveLength(N);
      },
    );
  });

  it('a failed batch stops with a clear message (exit 1) and a re-run submits anew', async () => {
    const options: FakeBatchOptions = { outcome: (i) => (i === 0 ? 'failed' : 'completed') };
    await withFakeOpenAI(
      pipelineResponder(),
      async (server) => {
        const out = file('failed.jsonl');
        const data = file('data-failed');
        const r = await run(['synth', '--scenarios', drafts, '--out', out, ...batchArgs], server, data);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(
          /psygraph: batch batch_1 failed: scripted_failure: the batch failed \(scripted\); nothing came back/,
        );
        expect(await jsonLines(out)).toHaveLength(0);
        const state = JSON.parse(await readFile(`${out}.batch.json`, 'utf8')) as {
          pending?: unknown;
          batches: string[];
        };
        expect(state.pending).toBeUndefined();
        expect(state.batches).toEqual(['batch_1']);
        const again = await run(['synth', '--scenarios', drafts, '--out', out, ...batchArgs], server, data);
        expect(again.code).toBe(0);
        expect(server.batches.map((b) => b.id)).toEqual(['batch_1', 'batch_2', 'batch_3']);
        expect(await jsonLines(out)).toHaveLength(N);
      },
      options,
    );
  });

  it('an expired batch keeps what it finished (exit 1); a re-run asks only for the rest', async () => {
    const options: FakeBatchOptions = { outcome: (i) => (i === 0 ? 'expired' : 'completed') };
    await withFakeOpenAI(
      pipelineResponder(),
      async (server) => {
        const out = file('expired.jsonl');
        const data = file('data-expired');
        const r = await run(['synth', '--scenarios', drafts, '--out', out, ...batchArgs], server, data);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/batch batch_1 expired: its 2 answer\(s\) are kept \(0 item\(s\) finished/);
        const again = await run(['synth', '--scenarios', drafts, '--out', out, ...batchArgs], server, data);
        expect(again.code).toBe(0);
        // half the scenes came back from the expired batch; only the other half is asked again
        const scenes = server.batches.map((b) => b.lines.filter((l) => isScene(l.body)).length);
        expect(scenes).toEqual([N, N / 2, 0]);
        expect(server.requests.filter(isScene)).toHaveLength(N);
        expect(await jsonLines(out)).toHaveLength(N);
      },
      options,
    );
  });
});

/**
 * Starts `synth --batch`, kills it (SIGKILL) once the server's batch number `index` (from 0) has
 * been polled three times, and returns the state file the run left beside its output.
 */
async function killWhilePolling<S>(server: FakeServer, out: string, data: string, index: number): Promise<S> {
  const { child, closed } = ws.start(
    ['synth', '--scenarios', drafts, '--out', out, '--model', MODEL, ...batchArgs],
    { OPENAI_BASE_URL: server.url },
    data,
  );
  while ((server.batches[index]?.polls ?? 0) < 3) await new Promise((r) => setTimeout(r, 10));
  child.kill('SIGKILL');
  await closed;
  return JSON.parse(await readFile(`${out}.batch.json`, 'utf8')) as S;
}

describe('crash and resume', () => {
  it('a run killed while polling resumes by polling the same batch: one creation, nothing paid twice', async () => {
    // the batch does not finish until the test lets it
    const options: FakeBatchOptions = { polls: 1e9 };
    await withFakeOpenAI(
      pipelineResponder(),
      async (server) => {
        const out = file('killed.jsonl');
        const data = file('data-killed');
        const state = await killWhilePolling<{ pending: { batchId: string; customIds: string[] } }>(
          server,
          out,
          data,
          0,
        );
        expect(state.pending.batchId).toBe('batch_1');
        expect(state.pending.customIds).toHaveLength(N);

        options.polls = 1;
        const resumed = await run(['synth', '--scenarios', drafts, '--out', out, ...batchArgs], server, data);
        expect(resumed.code).toBe(0);
        expect(resumed.stderr).toContain('synth: attaching to batch batch_1 (from killed.jsonl.batch.json)');
        expect(await jsonLines(out)).toHaveLength(N);
        // the scenes' batch was created once; then one batch for the conversations
        expect(server.batches.map((b) => b.id)).toEqual(['batch_1', 'batch_2']);
        expect(server.requests).toHaveLength(2 * N);
        expect(await exists(`${out}.batch.json`)).toBe(false);
      },
      options,
    );
  });

  it('a re-ask in flight survives a kill: its state (attempt, quoted errors) is in the state file', async () => {
    const base = pipelineResponder();
    let scenes = 0;
    // the second batch (conversations + the re-asked scene) does not finish until the test lets it
    let hold = true;
    const options: FakeBatchOptions = { polls: (i) => (i === 1 && hold ? 1e9 : 1) };
    await withFakeOpenAI(
      (req, i) => (isScene(req) && scenes++ === 0 ? { content: '{"storyBackground": ""}' } : base(req, i)),
      async (server) => {
        const out = file('killed-reask.jsonl');
        const data = file('data-killed-reask');
        const state = await killWhilePolling<{
          round: number;
          pending: { batchId: string };
          progress: Record<string, { attempt: number; messages: { role: string; content: string }[] }>;
        }>(server, out, data, 1);
        expect(state).toMatchObject({ round: 2, pending: { batchId: 'batch_2' } });
        const inFlight = Object.values(state.progress);
        expect(inFlight).toHaveLength(1);
        expect(inFlight[0]!.attempt).toBe(1);
        expect(inFlight[0]!.messages.at(-1)!.content).toMatch(/^Your reply is not valid:/);

        hold = false;
        const resumed = await run(['synth', '--scenarios', drafts, '--out', out, ...batchArgs], server, data);
        expect(resumed.code).toBe(0);
        expect(resumed.stderr).toContain('synth: attaching to batch batch_2');
        expect(await jsonLines(out)).toHaveLength(N);
        expect(server.batches.map((b) => b.lines.length)).toEqual([N, N, 1]);
        expect(server.requests).toHaveLength(2 * N + 1);
      },
      options,
    );
  });

  it('a run killed between creating a batch and saving its id finds it by its input file, or creates it once', async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const openai = new OpenAI({ apiKey: 'test', baseURL: server.url });
      // what a kill right after the upload (or right after the batch was created) leaves behind
      const crashed = async (name: string, created: boolean) => {
        const out = file(`${name}.jsonl`);
        const data = file(`data-${name}`);
        const only = await run(
          ['synth', '--scenarios', drafts, '--out', out, '--batch', '--batch-file-only'],
          server,
          data,
        );
        expect(only.code).toBe(0);
        const requests = `${out}.batch-1.requests.jsonl`;
        const input = await openai.files.create({
          file: await toFile(await readFile(requests), 'r.jsonl'),
          purpose: 'batch',
        });
        if (created)
          await openai.batches.create({
            input_file_id: input.id,
            endpoint: '/v1/chat/completions',
            completion_window: '24h',
          });
        await writeFile(
          `${out}.batch.json`,
          JSON.stringify({
            version: 1,
            label: 'synth',
            model: MODEL,
            round: 0,
            batches: [],
            submitting: {
              round: 1,
              inputFileId: input.id,
              requestFile: path.basename(requests),
              customIds: (await requestLines(requests)).map((l) => l.custom_id),
              startedAt: new Date().toISOString(),
            },
            progress: {},
          }),
        );
        const r = await run(['synth', '--scenarios', drafts, '--out', out, ...batchArgs], server, data);
        expect(r.code).toBe(0);
        expect(await jsonLines(out)).toHaveLength(N);
        return { r, input };
      };

      const found = await crashed('submit-created', true);
      expect(found.r.stderr).toContain(`synth: round 1 (file ${found.input.id}) is batch batch_1`);
      // the batch made before the kill, then the conversations' batch: none made twice, no re-upload
      const uploads = () => [...server.files.values()].filter((f) => f.purpose === 'batch').length;
      expect(server.batches.map((b) => b.inputFileId)).toEqual([found.input.id, expect.any(String)]);
      expect(uploads()).toBe(2);

      const made = await crashed('submit-uploaded', false);
      expect(made.r.stderr).toContain(`synth: round 1 (file ${made.input.id}) is batch batch_3`);
      expect(server.batches.slice(2).map((b) => b.inputFileId)).toEqual([made.input.id, expect.any(String)]);
      expect(uploads()).toBe(4);
      expect(server.requests).toHaveLength(4 * N);
    });
  });

  it('--batch-id attaches to a batch submitted by hand from the request file', async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const out = file('by-hand.jsonl');
      const data = file('data-by-hand');
      const only = await run(
        ['synth', '--scenarios', drafts, '--out', out, '--batch', '--batch-file-only'],
        server,
        data,
      );
      expect(only.code).toBe(0);
      const requests = `${out}.batch-1.requests.jsonl`;
      expect(only.stdout.trim()).toBe(requests);
      expect(await requestLines(requests)).toHaveLength(N);
      expect(server.files.size + server.batches.length).toBe(0);
      expect(await exists(`${out}.batch.json`)).toBe(false);

      const openai = new OpenAI({ apiKey: 'test', baseURL: server.url });
      const input = await openai.files.create({
        file: await toFile(await readFile(requests), 'by-hand.jsonl'),
        purpose: 'batch',
      });
      const batch = await openai.batches.create({
        input_file_id: input.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      });
      const r = await run(
        ['synth', '--scenarios', drafts, '--out', out, ...batchArgs, '--batch-id', batch.id],
        server,
        data,
      );
      expect(r.code).toBe(0);
      expect(await jsonLines(out)).toHaveLength(N);
      expect(server.batches).toHaveLength(2);
      expect(server.requests).toHaveLength(2 * N);
    });
  });
});

describe('prices and flags', () => {
  const estimate = (stdout: string) => Number(/estimated cost at most \$(\d+\.\d+)/.exec(stdout)?.[1]);

  it("--dry-run prices at batch rates: half the live rate, or the table's own batch rates", async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const prices = file('batch-prices.json');
      await writeFile(
        prices,
        JSON.stringify({
          'pricey-model': { input: 1000, output: 1000 },
          'own-batch-model': { input: 1000, output: 1000, batchInput: 100, batchOutput: 100 },
        }),
      );
      const dry = async (model: string, batch: boolean) => {
        const r = await ws.run(
          [
            'synth',
            '--scenarios',
            drafts,
            '--out',
            file(`dry-${model}.jsonl`),
            '--model',
            model,
            '--prices',
            prices,
            '--dry-run',
            ...(batch ? ['--batch'] : []),
          ],
          { OPENAI_BASE_URL: server.url },
          file('data-dry'),
        );
        expect(r.code).toBe(0);
        return estimate(r.stdout);
      };
      const live = await dry('pricey-model', false);
      expect(live).toBeGreaterThan(0);
      expect(await dry('pricey-model', true)).toBeCloseTo(live / 2, 3);
      expect(await dry('own-batch-model', true)).toBeCloseTo(live / 10, 3);
      expect(server.requests.length + server.batches.length + server.files.size).toBe(0);
    });
  });

  it('--max-cost counts batch requests at batch rates before submitting them', async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const prices = file('cap-prices.json');
      await writeFile(prices, JSON.stringify({ 'pricey-model': { input: 1000, output: 1000 } }));
      const common = ['synth', '--scenarios', drafts, '--model', 'pricey-model', '--prices', prices];
      const dry = await ws.run(
        [...common, '--out', file('cap-dry.jsonl'), '--dry-run', '--batch'],
        { OPENAI_BASE_URL: server.url },
        file('data-cap'),
      );
      // room for about two of the four scene requests (the estimate counts two calls per scenario)
      const cap = (estimate(dry.stdout) / N / 2) * 2.5;
      const out = file('capped-batch.jsonl');
      const r = await ws.run(
        [...common, '--out', out, '--max-cost', cap.toFixed(4), ...batchArgs, '--concurrency', '1'],
        { OPENAI_BASE_URL: server.url },
        file('data-cap'),
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/psygraph: --max-cost: the next call/);
      const sent = server.batches.flatMap((b) => b.lines);
      expect(sent.length).toBeGreaterThan(0);
      expect(server.batches[0]!.lines.length).toBeLessThan(N);
    });
  });

  it('bad batch flags exit 2 with a message naming the flag', async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const data = file('data-flags');
      const base = ['synth', '--scenarios', drafts, '--out', file('flags.jsonl')];
      const cases: [string[], RegExp][] = [
        [['--poll-interval', '10'], /--poll-interval: only works with --batch/],
        [['--batch-file-only'], /--batch-file-only: only works with --batch/],
        [['--batch', '--stream'], /--stream: a batch is not streamed/],
        [['--batch', '--batch-file-only', '--dry-run'], /--batch-file-only: sends nothing already/],
        [['--batch', '--poll-interval', '0'], /--poll-interval/],
        [['--batch', '--batch-id', 'no spaces please'], /--batch-id: "no spaces please" is not a batch id/],
      ];
      for (const [flags, message] of cases) {
        const r = await run([...base, ...flags], server, data);
        expect(r.stderr, flags.join(' ')).toMatch(message);
        expect(r.code, flags.join(' ')).toBe(2);
      }
      // a state file of another command or model is not attached to
      await writeFile(
        `${file('flags.jsonl')}.batch.json`,
        JSON.stringify({ version: 1, label: 'judge', model: MODEL, round: 1, batches: ['b'], progress: {} }),
      );
      const other = await run([...base, ...batchArgs], server, data);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/--out: .*flags\.jsonl\.batch\.json belongs to an unfinished judge batch/);
      expect(server.requests.length + server.batches.length).toBe(0);
    });
  });
});
