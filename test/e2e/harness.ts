/**
 * What the end-to-end tests run on: the built CLI serving the built UI on loopback, and headless
 * Chromium with SwiftShader for WebGL2. Without Chromium the suite skips loudly, except under
 * CI=true, where a missing browser is a failure.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  const message = `\n\n*** e2e: no Chromium at ${CHROMIUM}: browser tests SKIPPED (install the Debian 'chromium' package or set CHROMIUM_PATH) ***\n\n`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(message);
}

/** Builds the CLI and the UI when their outputs are missing (a fresh clone running `vitest`). */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/cli/index.js')))
    execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(join(ROOT, 'ui/dist/index.html')))
    execSync('npm run build:ui', { cwd: ROOT, stdio: 'inherit' });
}

export interface Server {
  url: string;
  stop: () => Promise<void>;
}

/**
 * PSYGRAPH_E2E_URL points the suite at an already running server (e.g. `npm run dev:ui`); `env`
 * adds to the server's environment (e.g. a model for the LLM routes), `args` to its global flags
 * (e.g. `--seed-dir`).
 */
export async function startServer(env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<Server> {
  const external = process.env.PSYGRAPH_E2E_URL;
  if (external) return { url: external.replace(/\/$/, ''), stop: async () => {} };
  const dataDir = await mkdtemp(join(tmpdir(), 'psygraph-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'dist/cli/index.js'), ...args, 'serve', '--port', '0'],
    {
      env: { ...process.env, PSYGRAPH_DATA_DIR: dataDir, PSYGRAPH_STORE: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox'],
  });
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * A page expression: the pattern nearest the stage's centre that the pointer lands on alone (the
 * hover layer picks it there), at least `minSize` px big, with where it is drawn — or null.
 */
export function patternNearCentre(minSize = 0): string {
  return `(() => {
  const c = window.psygraph.controller;
  const r = c.renderer;
  const { width, height } = r.getDimensions();
  let best = null;
  r.getGraph().forEachNode((n, a) => {
    const p = r.graphToViewport(a);
    const off = Math.hypot(p.x - width / 2, p.y - height / 2);
    if (a.size >= ${minSize} && c.hover.pick(p.x, p.y) === n && (!best || off < best.off)) best = { n, x: p.x, y: p.y, off };
  });
  return best;
})()`;
}
