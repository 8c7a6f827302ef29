/**
 * The explorer in a real browser against a real server: what a user sees and does, in order.
 * One browser and one page for the file (SwiftShader shader compilation costs ~1.5 s a renderer).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  hasChromium,
  launchBrowser,
  pngSize,
  ROOT,
  startServer,
  type Server,
} from './harness.js';
import { type FakeServer, pipelineResponder, startFakeOpenAI } from '../helpers/fake-openai.js';

const BASELINES = join(ROOT, 'test/e2e/baseline');
const graph = '[data-testid="graph"]';

// Browser-side checks as expressions: this file is type-checked without the DOM library.
const titleIs = (text: string) =>
  `document.querySelector('#pattern-title')?.textContent === ${JSON.stringify(text)}`;
const graphAttrIs = (name: string, n: number) =>
  `Number(document.querySelector('${graph}')?.getAttribute('${name}')) === ${n}`;
/** Distinct colours in the middle of a screenshot, decoded by the browser itself (no PNG library). */
const countColours = (png: Buffer) => `(async () => {
  const img = new Image();
  img.src = 'data:image/png;base64,${png.toString('base64')}';
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(300, 100, 600, 600);
  const seen = new Set();
  for (let i = 0; i < data.length; i += 16) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
})()`;

/**
 * Screenshots of the main views are committed (test/e2e/baseline, described in the README).
 * Loose comparison: SwiftShader output varies, so only the size must match; UPDATE_BASELINE=1
 * (or a missing file) writes a new one.
 */
function expectLikeBaseline(name: string, shot: Buffer): void {
  const file = join(BASELINES, `${name}.png`);
  if (!existsSync(file) || process.env.UPDATE_BASELINE === '1') writeFileSync(file, shot);
  expect(pngSize(readFileSync(file))).toEqual(pngSize(shot));
}

describe.skipIf(!hasChromium)('explorer (headless Chromium)', () => {
  let server: Server;
  let llm: FakeServer;
  let browser: Browser;
  let page: Page;
  let totals: { nodes: number; edges: number; byType: Record<string, number> };

  const attr = async (name: string) => Number(await page.getAttribute(graph, name));
  const settled = () =>
    page.waitForSelector(`${graph}[data-drawn="true"][data-layout="done"]`, { timeout: 30_000 });

  beforeAll(async () => {
    ensureBuilt();
    // the only stand-in: a local OpenAI-compatible server behind the LLM routes
    llm = await startFakeOpenAI(pipelineResponder());
    server = await startServer({ PSYGRAPH_MODEL: 'writer-model', OPENAI_BASE_URL: llm.url });
    const stats = (await (await fetch(`${server.url}/api/stats`)).json()) as {
      patterns: number;
      relations: number;
      byType: Record<string, number>;
    };
    totals = { nodes: stats.patterns, edges: stats.relations, byType: stats.byType };
    browser = await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await llm?.close();
  });

  it('opens on the whole graph, drawn and laid out', async () => {
    await page.goto(server.url);
    await settled();
    expect(await attr('data-visible-nodes')).toBe(totals.nodes);
    expect(await attr('data-visible-edges')).toBe(totals.edges);
    await expect(page.textContent('[data-testid="legend-type-REINFORCES"]')).resolves.toContain(
      String(totals.byType.REINFORCES),
    );

    await page.waitForTimeout(500); // the camera reframes once after the layout lands
    const shot = await page.screenshot();
    const { width, height } = pngSize(shot);
    expect([width, height]).toEqual([1280, 800]);
    // Not blank: the canvas region holds many distinct colours (nodes, edges, labels).
    const colours = await page.evaluate<number>(countColours(shot));
    expect(colours).toBeGreaterThan(50);
    expectLikeBaseline('main-view', shot);
  });

  it('finds a pattern by alias and opens its panel, highlighting its neighbourhood', async () => {
    await page.press('body', '/');
    await page.keyboard.type('barnum');
    await page.waitForSelector('[data-testid="suggestion"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="pattern-panel"]');
    expect(await page.textContent('#pattern-title')).toBe('forer effect');
    await page.waitForTimeout(800); // the camera's move to the pattern
    expectLikeBaseline('selected-pattern', await page.screenshot());
    expect(page.url()).toContain('pattern=forer-effect');
    expect(await attr('data-focus-nodes')).toBeGreaterThan(1);
    // Neighbours are clickable and move the selection.
    const neighbour = page.locator('[data-testid^="neighbours-"] button.link').first();
    const name = (await neighbour.textContent())!.replace(/[→←↔]/g, '').trim();
    await neighbour.click();
    await page.waitForFunction(titleIs(name));
    await page.goBack();
    await page.waitForFunction(titleIs('forer effect'));
  });

  it('filters out a relation type from the legend', async () => {
    await page.click('[data-testid="legend-type-CONFLICTS"]');
    await page.waitForFunction(graphAttrIs('data-visible-edges', totals.edges - totals.byType.CONFLICTS!));
    expect(page.url()).toContain('hide=CONFLICTS');
    await page.click('[data-testid="legend-type-CONFLICTS"]');
    expect(await attr('data-visible-edges')).toBe(totals.edges);
  });

  it('filters causal edges by scope from the legend', async () => {
    const graphData = (await (await fetch(`${server.url}/api/graph`)).json()) as {
      edges: { scope?: string }[];
    };
    const between = graphData.edges.filter((e) => e.scope === 'between').length;
    expect(between).toBeGreaterThan(0);
    await page.click('[data-testid="legend-scope-between"]');
    await page.waitForFunction(graphAttrIs('data-visible-edges', totals.edges - between));
    expect(page.url()).toContain('hideScope=between');
    await page.click('[data-testid="legend-scope-between"]');
    expect(await attr('data-visible-edges')).toBe(totals.edges);
  });

  it('samples scenarios and highlights the chosen one’s subgraph', async () => {
    await page.click('[data-testid="tab-sampler"]');
    await page.click('[data-testid="run-sample"]');
    await page.waitForSelector('[data-testid="sample-results"] button');
    await page.locator('[data-testid="sample-results"] button').nth(1).click();
    await page.waitForSelector('[data-testid="scenario-view"]');
    expect(page.url()).toMatch(/scenario=[^&]+/);
    expect(page.url()).toContain('sampled=1');
    const focused = await attr('data-focus-nodes');
    expect(focused).toBeGreaterThanOrEqual(2);
    expect(focused).toBeLessThanOrEqual(4);
    expect(await page.locator('[data-testid="driving-edges"] li').count()).toBeGreaterThan(0);
  });

  it('saves the scenario, has the model write its conversation, and judges it', async () => {
    await page.click('[data-testid="save-scenario"]');
    await page.waitForSelector('[data-testid="save-scenario"][disabled]');
    await page.click('[data-testid="synthesize"]');
    await page.waitForSelector('[data-testid="conversation"] li');
    // inner thought, action and speech are rendered as three distinct kinds of text
    const first = page.locator('[data-testid="conversation"] li').first();
    expect(await first.locator('.thought').count()).toBe(1);
    expect(await first.locator('.action').count()).toBe(1);
    expect(await first.locator('.speech').count()).toBe(1);
    expect(await page.locator('[data-testid="conversation"] li').count()).toBeGreaterThanOrEqual(12);
    // saved over the draft in the library, under the same id
    const id = new URL(page.url()).searchParams.get('scenario')!;
    const saved = (await (await fetch(`${server.url}/api/scenarios/${id}`)).json()) as {
      conversation?: unknown[];
    };
    expect(saved.conversation?.length).toBeGreaterThanOrEqual(12);

    await page.click('[data-testid="judge"]');
    await page.waitForSelector('[data-testid="judge-scores"]');
    expect(await page.textContent('[data-testid="judge-scores"]')).toMatch(
      /IPE\s*-?\d+\.\d\s*·\s*MPD\s*-?\d+\.\d/,
    );
    await page.locator('.judged summary').first().click();
    expect(await page.locator('.judged .item q').count()).toBeGreaterThan(0);
    expect(llm.requests.map((r) => r.model)).toEqual(expect.arrayContaining(['writer-model']));
    expectLikeBaseline('sampled-scenario', await page.screenshot());
  });

  it('compiles a prompt for the scenario and copies it', async () => {
    await page.click('[data-testid="tab-prompt"]');
    await page.click('[data-testid="compile-prompt"]');
    await page.waitForSelector('[data-testid="receipt-total"]');
    expect(Number.parseInt((await page.textContent('[data-testid="receipt-total"]'))!, 10)).toBeGreaterThan(
      100,
    );
    await page.click('[data-testid="copy-prompt"]');
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied.length).toBeGreaterThan(200);
    expect(copied).toBe(await page.textContent('[data-testid="prompt-text"]'));
  });

  it('reopens the same view from a reloaded deep link', async () => {
    const before = page.url();
    const focused = await attr('data-focus-nodes');
    await page.reload();
    await settled();
    await page.waitForSelector('[data-testid="prompt-panel"]');
    expect(page.url()).toBe(before);
    await page.waitForFunction(graphAttrIs('data-focus-nodes', focused));

    await page.goto(`${server.url}/?pattern=confirmation-bias&hide=MODULATES,EXCLUDES&min=0.5`);
    await settled();
    expect(await page.textContent('#pattern-title')).toBe('confirmation bias');
    const visible = await attr('data-visible-edges');
    expect(visible).toBeGreaterThan(0);
    expect(visible).toBeLessThan(totals.edges - totals.byType.MODULATES! - totals.byType.EXCLUDES!);
    await page.keyboard.press('Escape');
    await page.waitForFunction("!location.search.includes('pattern=')");
  });

  it('says clearly when the API is down', async () => {
    await page.route('**/api/**', (route) => route.abort());
    await page.reload();
    await page.waitForSelector('[data-testid="api-error"]');
    expect(await page.textContent('[data-testid="api-error"]')).toContain('not reachable');
    await page.unroute('**/api/**');
  });
});
