/**
 * The Annotate view in headless Chromium against the real server and embedded store: reach it
 * from the toolbar, name the annotator, open a stored set, score by keyboard (each score saved at
 * once), stop (reload) and resume at the first unscored item, finish, and reveal the judge's
 * scores with the calibration scatter. The set is put in the store with the CLI, as a user would.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAnnotationSet, writeAnnotationSetDir } from '../helpers/annotation-set.js';
import { runCli } from '../helpers/cli.js';
import {
  ROOT,
  ensureBuilt,
  hasChromium,
  launchBrowser,
  pngSize,
  startServer,
  type Server,
} from './harness.js';

const BASELINES = join(ROOT, 'test/e2e/baseline');

/** Committed screenshots (README); only the size is compared, UPDATE_BASELINE=1 rewrites them. */
function expectLikeBaseline(name: string, shot: Buffer): void {
  const file = join(BASELINES, `${name}.png`);
  expect(pngSize(shot)).toEqual({ width: 1280, height: 800 });
  if (!existsSync(file) || process.env.UPDATE_BASELINE === '1') writeFileSync(file, shot);
  expect(pngSize(readFileSync(file))).toEqual(pngSize(shot));
}

describe.skipIf(!hasChromium)('the Annotate view (headless Chromium)', () => {
  let dir: string;
  let server: Server;
  let browser: Browser;
  let page: Page;

  const progress = () => page.textContent('[data-testid="progress"]').then((t) => t?.trim() ?? '');
  const title = () => page.textContent('[data-testid="sample-title"]').then((t) => t?.trim() ?? '');
  const currentItem = () => page.getAttribute('[aria-current="true"]', 'data-testid');
  /** Presses a score key and waits until the score is saved and counted. */
  async function scoreKey(key: string, expectedDone: number): Promise<void> {
    await page.keyboard.press(key);
    await page.waitForFunction(
      `document.querySelector('[data-testid="progress"]')?.textContent.includes('${expectedDone} / 9 items')`,
      undefined,
      { timeout: 10_000 },
    );
  }
  const stored = async () =>
    (await (await fetch(`${server.url}/api/annotation-sets/calib/annotations?annotator=maya`)).json()) as {
      sampleId: string;
      itemId: string;
      score: number;
      evidence?: string;
    }[];

  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(join(tmpdir(), 'psygraph-annotate-e2e-'));
    const setDir = await writeAnnotationSetDir(join(dir, 'calib'), makeAnnotationSet('calib', 3));
    const loaded = await runCli(['annotations', 'load', setDir], { PSYGRAPH_DATA_DIR: join(dir, 'data') });
    expect(loaded.code).toBe(0);
    server = await startServer({ PSYGRAPH_DATA_DIR: join(dir, 'data') });
    browser = await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is reached from the toolbar and kept in the address bar', async () => {
    await page.goto(server.url);
    await page.click('[data-testid="mode-annotate"]');
    await page.waitForSelector('[data-testid="annotate"]');
    expect(new URL(page.url()).searchParams.get('mode')).toBe('annotate');
    await page.fill('[data-testid="annotator-input"]', 'maya');
    await page.click('[data-testid="annotator-save"]');
    await page.click('[data-testid="set-calib"]');
    await page.waitForSelector('[data-testid="progress"]');
    expect(new URL(page.url()).searchParams.get('aset')).toBe('calib');
    expect(await progress()).toBe('0 / 9 items');
    expect(await title()).toMatch(/^Sample 1 of 3: Maya/);
    expect(await page.textContent('[data-testid="turns"]')).toContain('[I have to say something]');
    // the judge's scores are nowhere on the page yet
    expect(await page.$('[data-testid="reveal-button"]')).toBeNull();
    expect(await page.$('[data-testid="judge-score"]')).toBeNull();
  });

  it('scores items by keyboard, saving each at once, with evidence', async () => {
    await scoreKey('-', 1); // sample 1: p1 ✗
    await scoreKey('0', 2); // p2 ·
    await scoreKey('1', 3); // m1 ✓, on to sample 2
    expect(await title()).toMatch(/^Sample 2 of 3/);
    await page.keyboard.press('e');
    await page.keyboard.type('leans in');
    await page.keyboard.press('Escape');
    await scoreKey('0', 4); // sample 2: p1 · with evidence
    expect(await currentItem()).toBe('item-p2');
    expectLikeBaseline('annotate', await page.screenshot());
    const saved = await stored();
    expect(saved).toHaveLength(4);
    expect(saved.find((a) => a.sampleId === 'sc1:Maya' && a.itemId === 'p1')).toMatchObject({
      score: 0,
      evidence: 'leans in',
    });
    expect(saved.find((a) => a.sampleId === 'sc0:Maya' && a.itemId === 'p1')?.score).toBe(-1);
  });

  it('resumes after a reload at the first unscored item, the annotator remembered', async () => {
    await page.reload();
    await page.waitForSelector('[data-testid="progress"]');
    expect(await progress()).toBe('4 / 9 items');
    expect(await page.inputValue('[data-testid="annotator-input"]')).toBe('maya');
    expect(await title()).toMatch(/^Sample 2 of 3/);
    expect(await currentItem()).toBe('item-p2');
    expect(await page.getAttribute('[data-testid="item-p1"]', 'data-score')).toBe('0');
    // n / p move between samples, j / k between items
    await page.keyboard.press('p');
    expect(await title()).toMatch(/^Sample 1 of 3/);
    expect(await page.getAttribute('[data-testid="item-m1"]', 'data-score')).toBe('1');
    await page.keyboard.press('n');
    expect(await title()).toMatch(/^Sample 2 of 3/);
    expect(await currentItem()).toBe('item-p1');
    await page.keyboard.press('j');
    expect(await currentItem()).toBe('item-p2');
  });

  it('finishes, then reveals the judge next to the annotator with the calibration scatter', async () => {
    // typed without waiting: each key scores its own item
    await page.keyboard.press('y'); // sample 2: p2 ✓
    await scoreKey('x', 6); // m1 ✗
    const sample2 = (await stored()).filter((a) => a.sampleId === 'sc1:Maya');
    expect(sample2.map((a) => [a.itemId, a.score])).toEqual([
      ['m1', -1],
      ['p1', 0],
      ['p2', 1],
    ]);
    expect(await title()).toMatch(/^Sample 3 of 3/);
    await scoreKey('1', 7); // sample 3: p1 ✓
    await scoreKey('-', 8); // p2 ✗
    await scoreKey('1', 9); // m1 ✓ (the judge says ·)
    await page.click('[data-testid="reveal-button"]');
    await page.waitForSelector('[data-testid="reveal"]');
    const judge = await page.$$eval('[data-testid="judge-score"]', (cells) =>
      cells.map((c) => c.textContent),
    );
    // the fixture's judge: item i of sample s scores ((s + i) % 3) - 1
    expect(judge).toEqual(['✗', '·', '✓', '·', '✓', '✗', '✓', '✗', '·']);
    expect(await page.textContent('[data-testid="agreeing"]')).toBe('8 / 9');
    expect(await page.getAttribute('[data-testid="scatter-ipe"]', 'data-points')).toBe('3');
    expect(await page.getAttribute('[data-testid="scatter-mpd"]', 'data-points')).toBe('3');
    const ipe = await page.textContent('[data-testid="scatter-ipe"] figcaption');
    expect(ipe).toMatch(/r = 1\.00 .*n = 3/);
    expect(await page.getAttribute('[data-testid="scatter-ipe"] svg', 'aria-label')).toMatch(
      /^IPE \(pattern items\): r = 1\.00/,
    );
    expect(await page.$$('[data-testid="scatter-ipe"] circle')).toHaveLength(3);

    expectLikeBaseline('annotate-reveal', await page.screenshot());
  });

  it('goes back to the graph from the toolbar', async () => {
    await page.click('[data-testid="leave-annotate"]');
    await page.waitForSelector('[data-testid="graph"]');
    expect(new URL(page.url()).searchParams.get('mode')).toBeNull();
  });
});
