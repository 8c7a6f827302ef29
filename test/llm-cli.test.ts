/**
 * The LLM commands as a user runs them: the built CLI against the fake OpenAI-compatible server.
 * Until program.ts registers them, a shim entry adds them to the same program.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleScenarios } from '../src/sample/sample.js';
import { miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { CLI } from './helpers/cli.js';
import { type FakeServer, pipelineResponder, withFakeOpenAI } from './helpers/fake-openai.js';
import { tempDir } from './helpers/tmp.js';

const DIST = path.dirname(path.dirname(CLI));
let dir = '';
let cleanup: () => Promise<void> = async () => {};
let entry = CLI;
let scenarios = '';

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
  const drafts = sampleScenarios(miniCatalog(), {
    n: 6,
    seed: 11,
    size: [2, 3],
    situations: ['adversity', 'home-and-private-life'],
  }).scenarios;
  scenarios = path.join(dir, 'drafts.jsonl');
  await writeFile(scenarios, drafts.map((s) => JSON.stringify(s)).join('\n') + '\n');
  const program = await readFile(path.join(DIST, 'cli', 'program.js'), 'utf8');
  if (!program.includes('registerLlmCommands')) {
    entry = path.join(dir, 'cli-with-llm.mjs');
    await writeFile(
      entry,
      `import { createProgram } from ${JSON.stringify(path.join(DIST, 'cli', 'program.js'))};
import { registerLlmCommands } from ${JSON.stringify(path.join(DIST, 'cli', 'commands', 'llm.js'))};
import { PsygraphError } from ${JSON.stringify(path.join(DIST, 'model', 'index.js'))};
import { processOutput } from ${JSON.stringify(path.join(DIST, 'cli', 'output.js'))};
const ctx = { io: processOutput, env: process.env };
const program = createProgram(ctx);
registerLlmCommands(program, ctx);
for (const c of program.commands) c.exitOverride();
try { await program.parseAsync(process.argv); }
catch (err) {
  if (err instanceof PsygraphError) { processOutput.err('psygraph: ' + err.message); process.exitCode = err.callerFault ? 2 : 1; }
  else if (err && err.exitCode !== undefined) process.exitCode = err.exitCode === 0 ? 0 : 2;
  else { processOutput.err(String(err && err.stack || err)); process.exitCode = 1; }
}
`,
    );
  }
});
afterAll(() => cleanup());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(
  args: string[],
  server: FakeServer,
  dataDir: string,
): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(
    process.execPath,
    [entry, '--seed-dir', path.join(dir, 'seed'), '--data-dir', dataDir, ...args, '--retry-base', '1'],
    {
      env: {
        ...process.env,
        PSYGRAPH_STORE: '',
        OPENAI_BASE_URL: server.url,
        OPENAI_API_KEY: 'test',
        PSYGRAPH_MODEL: 'gpt-4o-mini',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const run = (args: string[], server: FakeServer, dataDir: string) => start(args, server, dataDir).done;
const lines = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string });

describe('psygraph synth / judge / evaluate', () => {
  it('runs the pipeline; a re-run skips finished ids and a fresh output is served from the cache', async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const data = path.join(dir, 'data-pipeline');
      const synth = path.join(dir, 'synth.jsonl');
      const first = await run(['synth', '--scenarios', scenarios, '--out', synth], server, data);
      expect(first.stderr).toMatch(/synth: wrote 6, skipped 0 already done, 0 failed; 12 call\(s\)/);
      expect(first.code).toBe(0);
      expect((await lines(synth)).length).toBe(6);
      const calls = server.requests.length;

      const again = await run(['synth', '--scenarios', scenarios, '--out', synth], server, data);
      expect(again.stderr).toMatch(/wrote 0, skipped 6 already done/);
      expect(server.requests.length).toBe(calls);

      const fresh = await run(
        ['synth', '--scenarios', scenarios, '--out', path.join(dir, 'synth2.jsonl')],
        server,
        data,
      );
      expect(fresh.stderr).toMatch(/wrote 6, .* 0 call\(s\), 12 cache hit\(s\)/);
      expect(server.requests.length).toBe(calls);
      const stable = async (file: string) =>
        (await readFile(file, 'utf8'))
          .replace(/"createdAt":"[^"]+"/g, '')
          .split('\n')
          .filter(Boolean)
          .sort();
      expect(await stable(path.join(dir, 'synth2.jsonl'))).toEqual(await stable(synth));

      const judged = await run(
        ['judge', '--scenarios', synth, '--out', path.join(dir, 'judge.jsonl'), '--runs', '3'],
        server,
        data,
      );
      expect(judged.code).toBe(0);
      expect(judged.stdout).toMatch(/^\| Model \| IPE \| MPD \| samples \| judge runs \|\n\| --- /);
      expect(judged.stdout).toMatch(/\| gpt-4o-mini \| -?\d+\.\d±\d+\.\d \| -?\d+\.\d±\d+\.\d \| 12 \| 3 \|/);

      const evaluated = await run(
        [
          'evaluate',
          '--scenarios',
          synth,
          '--out',
          path.join(dir, 'eval.jsonl'),
          '--model',
          'gpt-4.1-nano',
          '--judge-model',
          'gpt-4o-mini',
          '--runs',
          '2',
        ],
        server,
        data,
      );
      expect(evaluated.code).toBe(0);
      expect(evaluated.stdout).toMatch(
        /\| gpt-4\.1-nano \| -?\d+\.\d±\d+\.\d \| -?\d+\.\d±\d+\.\d \| 6 \| 2 \|/,
      );
    });
  });

  it('resumes after SIGKILL mid-batch: nothing redone, nothing lost', async () => {
    const base = pipelineResponder();
    await withFakeOpenAI(
      (req, i) => ({ ...base(req, i), delayMs: 100 }),
      async (server) => {
        const data = path.join(dir, 'data-kill');
        const out = path.join(dir, 'killed.jsonl');
        const { child, done } = start(
          ['synth', '--scenarios', scenarios, '--out', out, '--concurrency', '1'],
          server,
          data,
        );
        while ((await lines(out)).length < 2) await new Promise((r) => setTimeout(r, 20));
        child.kill('SIGKILL');
        await done;
        const before = await lines(out);
        expect(before.length).toBeGreaterThanOrEqual(2);
        expect(before.length).toBeLessThan(6);
        const firstRun = server.requests.length;

        const resumed = await run(
          ['synth', '--scenarios', scenarios, '--out', out, '--concurrency', '1'],
          server,
          data,
        );
        expect(resumed.code).toBe(0);
        const after = await lines(out);
        expect(after.slice(0, before.length)).toEqual(before);
        expect(new Set(after.map((l) => l.id)).size).toBe(6);
        expect(after).toHaveLength(6);
        // two calls per scenario; at most the one call in flight at the kill is sent twice
        expect(server.requests.length).toBeLessThanOrEqual(12 + 1);
        expect(server.requests.length - firstRun).toBeLessThanOrEqual(2 * (6 - before.length) + 1);
      },
    );
  });

  it('--dry-run prints an estimate and sends nothing; --max-cost stops before overspending', async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const data = path.join(dir, 'data-cost');
      const prices = path.join(dir, 'prices.json');
      // $1 per 1k tokens, so that a few calls add up
      await writeFile(prices, JSON.stringify({ 'pricey-model': { input: 1000, output: 1000 } }));
      const common = ['--scenarios', scenarios, '--model', 'pricey-model', '--prices', prices];
      const dry = await run(
        ['synth', ...common, '--out', path.join(dir, 'dry.jsonl'), '--dry-run'],
        server,
        data,
      );
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(
        /dry run: 6 item\(s\) to do .* estimated cost at most \$\d+\.\d{4}; nothing sent/,
      );
      expect(server.requests).toHaveLength(0);

      const maxCost = 12;
      const out = path.join(dir, 'capped.jsonl');
      const capped = await run(
        ['synth', ...common, '--out', out, '--max-cost', String(maxCost), '--concurrency', '2'],
        server,
        data,
      );
      expect(capped.code).toBe(2);
      expect(capped.stderr).toMatch(/psygraph: --max-cost: the next call .* would take spending past \$12/);
      const spent = server.usages.reduce((a, u) => a + (u.prompt_tokens + u.completion_tokens) / 1000, 0);
      expect(server.requests.length).toBeGreaterThan(0);
      expect(spent).toBeLessThanOrEqual(maxCost);
      expect((await lines(out)).length).toBeLessThan(6);

      const unpriced = await run(
        ['synth', '--scenarios', scenarios, '--model', 'mystery', '--out', out, '--max-cost', '1'],
        server,
        data,
      );
      expect(unpriced.code).toBe(2);
      expect(unpriced.stderr).toMatch(/--prices: no price for model "mystery"/);
    });
  });

  it('a reply that never validates is not saved, not cached, and fails the run', async () => {
    await withFakeOpenAI([{ content: '{"storyBackground": "cut off' }], async (server) => {
      const data = path.join(dir, 'data-bad');
      const out = path.join(dir, 'bad.jsonl');
      const result = await run(
        ['synth', '--scenarios', scenarios, '--out', out, '--json-mode'],
        server,
        data,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /6 item\(s\) failed validation and were not written; re-run to retry them/,
      );
      expect(server.requests[0]!.response_format).toEqual({ type: 'json_object' });
      expect(server.requests).toHaveLength(12);
      expect(await lines(out)).toEqual([]);
      expect(await readdir(path.join(data, 'llm-cache')).catch(() => [])).toEqual([]);
    });
  });

  it('a refused request (401) stops the run with exit 2 and a hint', async () => {
    await withFakeOpenAI([{ status: 401 }], async (server) => {
      const out = path.join(dir, 'refused.jsonl');
      const result = await run(
        ['synth', '--scenarios', scenarios, '--out', out],
        server,
        path.join(dir, 'data-401'),
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /psygraph: scene \w+: http:\/\/127\.0\.0\.1:\d+\/v1 answered 401: .*\(check OPENAI_API_KEY\)/,
      );
      expect(await lines(out)).toEqual([]);
    });
  });

  it('bad flags and inputs exit 2 with a one-line reason', async () => {
    await withFakeOpenAI(pipelineResponder(), async (server) => {
      const data = path.join(dir, 'data-flags');
      const noConversation = await run(
        ['judge', '--scenarios', scenarios, '--out', path.join(dir, 'j.jsonl')],
        server,
        data,
      );
      expect(noConversation.code).toBe(2);
      expect(noConversation.stderr).toMatch(/--scenarios: 6 scenario\(s\) have no conversation/);
      const badConcurrency = await run(
        ['synth', '--scenarios', scenarios, '--out', 'x', '--concurrency', '0'],
        server,
        data,
      );
      expect(badConcurrency.code).toBe(2);
      expect(badConcurrency.stderr).toMatch(/--concurrency must be an integer from 1 to 256/);
      expect(server.requests).toHaveLength(0);
    });
  });
});
