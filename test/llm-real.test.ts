/**
 * psygraph against a real OpenAI-compatible server: llama.cpp's llama-server with SmolLM2-135M
 * (scripts/llama-server.sh builds both into a cache outside the clone). One `synth` and one
 * `judge` end to end, through a recording proxy so the raw replies can be checked: the
 * schema-constrained judge returns every asked item id, failures are counted, and nothing invalid
 * is saved.
 *
 * Its own job, `npm run test:real-model` (kept out of `npm test`: up to minutes on busy cores); there
 * the binary and model are required (`scripts/llama-server.sh build` caches them; .ci/run does).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { JudgementSchema, compileChecklist } from '../src/llm/index.js';
import { type Scenario, ScenarioSchema } from '../src/model/index.js';
import { createPromptContext } from '../src/prompt/index.js';
import { miniCatalog } from './helpers/catalog.js';
import { pipelineResponder, startFakeOpenAI } from './helpers/fake-openai.js';
import { type LlmWorkspace, jsonLines, llmWorkspace } from './helpers/llm-run.js';
import { tempDir } from './helpers/tmp.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const located = Object.fromEntries(
  execFileSync('bash', [path.join(ROOT, 'scripts', 'llama-server.sh'), 'env'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.split('=', 2) as [string, string]),
);
const SERVER = process.env.PSYGRAPH_LLAMA_SERVER || located.PSYGRAPH_LLAMA_SERVER!;
const MODEL = process.env.PSYGRAPH_LLAMA_MODEL || located.PSYGRAPH_LLAMA_MODEL!;
const available = existsSync(SERVER) && existsSync(MODEL);
const required = process.env.PSYGRAPH_REAL_MODEL === '1' || process.env.CI === 'true';

interface Exchange {
  body: {
    response_format?: { json_schema?: { name: string } };
    messages: { role: string; content: string }[];
  };
  reply: { choices: { message: { content: string }; finish_reason: string }[] };
}

/** A loopback proxy in front of llama-server that keeps every request and reply. */
async function recordingProxy(target: string) {
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', target);
      const upstream = httpRequest(
        url,
        { method: req.method, headers: { ...req.headers, host: url.host } },
        (up) => {
          let reply = '';
          up.on('data', (d: Buffer) => (reply += d.toString()));
          up.on('end', () => {
            if (req.url?.endsWith('/chat/completions') && up.statusCode === 200)
              exchanges.push({
                body: JSON.parse(body) as Exchange['body'],
                reply: JSON.parse(reply) as Exchange['reply'],
              });
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(reply);
          });
        },
      );
      upstream.on('error', (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function startLlamaServer(): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const port = await freePort();
  const child = spawn(
    SERVER,
    ['-m', MODEL, '--host', '127.0.0.1', '--port', String(port), '-c', '8192', '-t', '2', '--seed', '7'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`llama-server exited with ${child.exitCode}:\n${log}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, url, log: () => log };
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`llama-server did not become healthy in 120 s:\n${log}`);
}

describe.runIf(available || required)('a real local model (llama-server + SmolLM2-135M)', () => {
  let llama: Awaited<ReturnType<typeof startLlamaServer>> | undefined;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let ws: LlmWorkspace;
  let cleanup: () => Promise<void> = async () => {};
  const env = () => ({ OPENAI_BASE_URL: proxy.url, PSYGRAPH_MODEL: 'smollm2-135m' });

  beforeAll(async () => {
    if (!available)
      throw new Error(
        `CI=true needs llama-server and the model (${SERVER}, ${MODEL}): run scripts/llama-server.sh build`,
      );
    const t = await tempDir();
    cleanup = t.cleanup;
    ws = await llmWorkspace(t.dir);
    llama = await startLlamaServer();
    proxy = await recordingProxy(llama.url);
  }, 150_000);
  afterAll(async () => {
    await proxy?.close();
    if (llama && llama.child.exitCode === null) {
      const exited = new Promise((r) => llama!.child.once('exit', r));
      llama.child.kill('SIGTERM');
      await exited;
    }
    await cleanup();
  });

  it('synth: the scene comes back well-formed under its schema; failures are counted, nothing invalid saved', async () => {
    const drafts = await ws.drafts(1, 3, path.join(ws.dir, 'drafts.jsonl'));
    const out = path.join(ws.dir, 'synth.jsonl');
    const result = await ws.run(
      [
        'synth',
        '--scenarios',
        drafts,
        '--out',
        out,
        '--max-tokens',
        '400',
        '--regenerate',
        '0',
        '--retries',
        '0',
        '--timeout',
        '300000',
        '--concurrency',
        '1',
      ],
      env(),
      path.join(ws.dir, 'data-synth'),
    );
    const summary =
      /synth: wrote (\d+), skipped 0 already done, (\d+) failed(?: \((\d+) cut off at the token limit\))?/.exec(
        result.stderr,
      );
    expect(summary, result.stderr).not.toBeNull();
    const [written, failed, truncated] = [Number(summary![1]), Number(summary![2]), Number(summary![3] ?? 0)];
    expect(written + failed).toBe(1);
    expect(result.code).toBe(failed ? 1 : 0);
    const saved = await jsonLines(out);
    expect(saved.length).toBe(written);
    for (const line of saved) expect(ScenarioSchema.safeParse(line).success).toBe(true);
    const scenes = proxy.exchanges.filter((e) => e.body.response_format?.json_schema?.name === 'scene');
    expect(scenes.length).toBeGreaterThan(0);
    const cut = proxy.exchanges.filter((e) => e.reply.choices[0]!.finish_reason === 'length').length;
    expect(truncated).toBe(Math.min(cut, 1));
    for (const e of scenes.filter((x) => x.reply.choices[0]!.finish_reason === 'stop')) {
      // constrained decoding: well-formed JSON with the scenario's cast size
      const scene = JSON.parse(e.reply.choices[0]!.message.content) as {
        charactersProfiles: { supportingCharacter: unknown[] };
      };
      const draft = (await jsonLines<{ characters: { role: string }[] }>(drafts))[0]!;
      expect(scene.charactersProfiles.supportingCharacter.length).toBe(
        draft.characters.filter((c) => c.role === 'supporting').length,
      );
    }
  }, 600_000);

  it('judge: every reply scores exactly the asked item ids; failures are counted, nothing invalid saved', async () => {
    // the conversation to judge comes from the fake server's pipeline (the tiny model cannot write one)
    const fake = await startFakeOpenAI(pipelineResponder());
    const drafts = await ws.drafts(1, 4, path.join(ws.dir, 'judge-drafts.jsonl'));
    const conversations = path.join(ws.dir, 'conversations.jsonl');
    try {
      const made = await ws.run(
        ['synth', '--scenarios', drafts, '--out', conversations],
        { OPENAI_BASE_URL: fake.url, PSYGRAPH_MODEL: 'fake' },
        path.join(ws.dir, 'data-fake'),
      );
      expect(made.code, made.stderr).toBe(0);
    } finally {
      await fake.close();
    }
    // a short checklist (3 items per character) keeps the tiny model's replies short
    const pctx = createPromptContext(miniCatalog());
    const checklists = path.join(ws.dir, 'checklists.jsonl');
    const records = (await jsonLines<Scenario>(conversations)).map((s) => {
      const full = compileChecklist(s, pctx);
      const characters = [...new Set(full.items.map((i) => i.character))];
      return {
        ...full,
        items: characters.flatMap((c) => full.items.filter((i) => i.character === c).slice(0, 3)),
      };
    });
    await writeFile(checklists, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const before = proxy.exchanges.length;
    const out = path.join(ws.dir, 'judged.jsonl');
    const result = await ws.run(
      [
        'judge',
        '--scenarios',
        conversations,
        '--out',
        out,
        '--runs',
        '1',
        '--max-tokens',
        '2500',
        '--temperature',
        '0',
        '--retries',
        '0',
        '--timeout',
        '300000',
        '--concurrency',
        '1',
      ],
      env(),
      path.join(ws.dir, 'data-judge'),
    );
    expect(result.stderr).not.toMatch(/ENOENT|cannot read/);
    console.info(
      result.stderr
        .split('\n')
        .filter((l) => /^judge: wrote|cut off|failed:/.test(l))
        .join('\n'),
    );
    const summary = /judge: wrote (\d+), skipped 0 already done, (\d+) failed/.exec(result.stderr);
    expect(summary, result.stderr).not.toBeNull();
    const [written, failed] = [Number(summary![1]), Number(summary![2])];
    expect(written + failed).toBeGreaterThan(0);
    expect(result.code).toBe(failed ? 1 : 0);
    const judges = proxy.exchanges
      .slice(before)
      .filter((e) => e.body.response_format?.json_schema?.name === 'judgement');
    expect(judges.length).toBeGreaterThanOrEqual(written + failed);
    let complete = 0;
    for (const e of judges) {
      if (e.reply.choices[0]!.finish_reason !== 'stop') continue;
      const asked = [
        ...e.body.messages.filter((m) => m.role === 'user')[0]!.content.matchAll(/^- \[([^\]]+)\]/gm),
      ].map((m) => m[1]!);
      const reply = JSON.parse(e.reply.choices[0]!.message.content) as { scores: Record<string, unknown> };
      expect(Object.keys(reply.scores).sort()).toEqual([...asked].sort());
      complete++;
    }
    expect(complete).toBeGreaterThan(0);
    console.info(
      `judge: ${complete} of ${judges.length} replies finished; each scored exactly the asked ids`,
    );
    expect(result.stderr).not.toMatch(/no score for|unknown item id/);
    const saved = await jsonLines(out);
    expect(saved.length).toBe(written);
    for (const line of saved) expect(JudgementSchema.safeParse(line).success).toBe(true);
  }, 900_000);
});
