/**
 * Hovering a pattern in a real browser against a real server: the hover layer finds the pattern
 * under the pointer and draws its neighbourhood over the faded graph, without restyling sigma's
 * graph (its focus state stays as it was, in the overview and in a focus view); leaving the
 * pattern clears it; a click still selects through sigma's own picking.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  hasChromium,
  launchBrowser,
  patternNearCentre,
  startServer,
  type Server,
} from './harness.js';

const graph = '[data-testid="graph"]';

/** A pattern the pointer can land on alone, near the stage's centre, and where it is drawn. */
const target = patternNearCentre();

/** The alpha of the hover layer at a point of the stage (0: nothing drawn there). */
const ALPHA_AT = `(x, y) => {
  const canvas = document.querySelector('canvas.sigma-psygraph-hover');
  const ratio = window.devicePixelRatio || 1;
  return canvas.getContext('2d').getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data[3];
}`;
const alphaAt = (x: number, y: number) => `(${ALPHA_AT})(${x}, ${y})`;

/** The alpha of the hover layer where a pattern is drawn now (the camera may have moved since). */
const alphaOn = (node: string) => `(() => {
  const r = window.psygraph.controller.renderer;
  const p = r.graphToViewport(r.getGraph().getNodeAttributes(${JSON.stringify(node)}));
  return (${ALPHA_AT})(p.x, p.y);
})()`;

describe.skipIf(!hasChromium)('hover highlight (headless Chromium)', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const settled = () =>
    page.waitForSelector(`${graph}[data-drawn="true"][data-layout="done"]`, { timeout: 60_000 });

  it('draws the hovered neighbourhood over the graph without restyling it, and clears it on leaving', async () => {
    await page.goto(server.url);
    await settled();
    await page.waitForTimeout(600);
    const t = await page.evaluate<{ n: string; x: number; y: number }>(target);
    const box = (await page.locator(graph).boundingBox())!;
    await page.mouse.move(box.x + t.x, box.y + t.y);
    await page.waitForFunction(`window.psygraph.controller.hover.hovered === ${JSON.stringify(t.n)}`);
    expect(await page.evaluate<string | null>('window.psygraph.hovered')).toBe(t.n);
    // drawn: the node itself, and the fade over an empty corner of the stage
    expect(await page.evaluate<number>(alphaOn(t.n))).toBe(255);
    expect(await page.evaluate<number>(alphaAt(3, 3))).toBeGreaterThan(150);
    // sigma's graph is not restyled: no focus, no node hovered in its state
    expect(await page.evaluate<boolean>('window.psygraph.controller.renderer.getGraphState().hasFocus')).toBe(
      false,
    );
    expect(
      await page.evaluate<boolean>('window.psygraph.controller.renderer.getGraphState().hasHovered'),
    ).toBe(false);
    expect(await page.evaluate<number>('window.psygraph.focus?.nodes.size ?? 0')).toBe(0);

    await page.mouse.move(box.x + 3, box.y + 3);
    await page.waitForFunction('window.psygraph.controller.hover.hovered === null');
    expect(await page.evaluate<string | null>('window.psygraph.hovered')).toBeNull();
    expect(await page.evaluate<number>(alphaAt(3, 3))).toBe(0);

    // a click still selects, through sigma's picking
    await page.mouse.click(box.x + t.x, box.y + t.y);
    await page.waitForFunction(
      `new URL(location.href).searchParams.get('pattern') === ${JSON.stringify(t.n)}`,
    );
  });

  it('in a focus view, hovering leaves the focus as it was', async () => {
    await page.goto(`${server.url}/?pattern=conformity&depth=1`);
    await settled();
    await page.waitForFunction('(window.psygraph.focus?.nodes.size ?? 0) > 0');
    await page.waitForTimeout(900);
    const before = await page.evaluate<string[]>('[...window.psygraph.focus.nodes].sort()');
    const t = await page.evaluate<{ n: string; x: number; y: number }>(target);
    const box = (await page.locator(graph).boundingBox())!;
    await page.mouse.move(box.x + t.x, box.y + t.y);
    await page.waitForFunction(`window.psygraph.controller.hover.hovered === ${JSON.stringify(t.n)}`);
    expect(await page.evaluate<number>(alphaOn(t.n))).toBe(255);
    expect(await page.evaluate<string[]>('[...window.psygraph.focus.nodes].sort()')).toEqual(before);
    expect(await page.evaluate<boolean>('window.psygraph.controller.renderer.getGraphState().hasFocus')).toBe(
      true,
    );
  });
});
