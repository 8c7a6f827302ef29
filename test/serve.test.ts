/** `npm start` runs `psygraph serve`: a real process on loopback, stopped with SIGTERM. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServe, stopServe } from './helpers/cli.js';
import { pipelineResponder, startFakeOpenAI } from './helpers/fake-openai.js';
import { tempDir } from './helpers/tmp.js';

describe('psygraph serve', () => {
  it('prints its URL, answers the API over HTTP and stops cleanly on SIGTERM', async () => {
    const { dir, cleanup } = await tempDir();
    const { child, url: started } = startServe(['--port', '0', '--ui-dir', path.join(dir, 'not-built')]);
    try {
      const url = await started;
      const health = await fetch(`${url}/api/health`);
      expect(await health.json()).toEqual({ ok: true, backend: 'memory' });
      const stats = (await (await fetch(`${url}/api/stats`)).json()) as { patterns: number };
      expect(stats.patterns).toBe(244);
      const openapi = (await (await fetch(`${url}/api/openapi.json`)).json()) as { openapi: string };
      expect(openapi.openapi).toMatch(/^3\.1\./);
      const missing = await fetch(`${url}/api/nothing-here`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
      const page = await fetch(url);
      expect(await page.text()).toContain('244 patterns');
      await stopServe(child);
    } finally {
      child.kill('SIGKILL');
      await cleanup();
    }
  });

  it('takes its port from PORT and serves a built explorer from the same port', async () => {
    const { dir, cleanup } = await tempDir();
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>psygraph explorer</title>');
    const { child, url: started } = startServe(['--ui-dir', dir], { PORT: '0' });
    try {
      const url = await started;
      expect(await (await fetch(url)).text()).toContain('psygraph explorer');
      expect(await (await fetch(`${url}/?pattern=spotlight-effect`)).text()).toContain('psygraph explorer');
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      await stopServe(child);
    } finally {
      child.kill('SIGKILL');
      await cleanup();
    }
  });

  it('talks to the model named by PSYGRAPH_MODEL at OPENAI_BASE_URL for /api/llm/*', async () => {
    const { dir, cleanup } = await tempDir();
    const fake = await startFakeOpenAI(pipelineResponder());
    const { child, url: started } = startServe(['--port', '0', '--ui-dir', dir, '--judge-model', 'judge-1'], {
      PSYGRAPH_DATA_DIR: path.join(dir, 'data'),
      PSYGRAPH_MODEL: 'writer-1',
      OPENAI_BASE_URL: fake.url,
    });
    try {
      const url = await started;
      const status = (await (await fetch(`${url}/api/llm`)).json()) as Record<string, unknown>;
      expect(status).toMatchObject({ configured: true, model: 'writer-1', judgeModel: 'judge-1' });
      const drafted = await fetch(`${url}/api/sample`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: 1, seed: 3 }),
      });
      const { scenarios } = (await drafted.json()) as { scenarios: unknown[] };
      const res = await fetch(`${url}/api/llm/synth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenario: scenarios[0] }),
      });
      expect(res.status).toBe(200);
      expect(fake.requests.map((r) => r.model)).toEqual(['writer-1', 'writer-1']);
      await stopServe(child);
    } finally {
      child.kill('SIGKILL');
      await fake.close();
      await cleanup();
    }
  });
});
