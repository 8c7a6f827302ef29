/** `npm start` runs `psygraph serve`: a real process on loopback, stopped with SIGTERM. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from './helpers/cli.js';

describe('psygraph serve', () => {
  it('prints its URL, answers the API over HTTP and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
      env: { ...process.env, PSYGRAPH_DATA_DIR: '.psygraph/never-written', PSYGRAPH_STORE: '' },
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(d.toString());
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
    });
    const health = await fetch(`${url}/api/health`);
    expect(await health.json()).toEqual({ ok: true, backend: 'memory' });
    const stats = (await (await fetch(`${url}/api/stats`)).json()) as { patterns: number };
    expect(stats.patterns).toBe(244);
    const missing = await fetch(`${url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const page = await fetch(url);
    expect(await page.text()).toContain('244 patterns');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
