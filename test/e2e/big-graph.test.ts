/**
 * A graph big enough for the explorer's big-graph load (2,000 synthetic patterns and some 8,000
 * relations), in a real browser: the patterns are drawn first, then the relations, whose
 * edge pass runs in slices across tasks (GraphView's EDGE_SLICE edges per slice, here two). The
 * slices must leave sigma's edge program exactly as sigma's own one-pass `processEdges` would, and
 * the graph must still answer the pointer.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticCatalog } from '../../src/sample/synthetic.js';
import {
  ensureBuilt,
  hasChromium,
  launchBrowser,
  patternNearCentre,
  startServer,
  type Server,
} from './harness.js';

const graph = '[data-testid="graph"]';

/**
 * What sigma's edge pass leaves behind (sigma 4.0.4 internals, read through `any`): the edge
 * program's vertex data, each edge's picking id and position, and the depth ranges.
 */
const EDGE_PASS_STATE = `(() => {
  const r = window.psygraph.controller.renderer;
  let hash = 0;
  const ints = r.edgeProgram.ints;
  for (let i = 0; i < ints.length; i++) hash = (Math.imul(hash, 31) + ints[i]) | 0;
  return {
    edges: r.getGraph().size,
    capacity: r.edgeProgram.capacity,
    words: ints.length,
    hash,
    picking: [...r.pickingState.idsByKind.edge.entries()].join(';'),
    positions: JSON.stringify(r.edgeProgramIndex),
    depthRanges: JSON.stringify(r.depthRanges.edges),
  };
})()`;

describe.skipIf(!hasChromium)('a big graph in the explorer (headless Chromium)', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let seedDir: string;
  let relations = 0;

  beforeAll(async () => {
    ensureBuilt();
    seedDir = await mkdtemp(join(tmpdir(), 'psygraph-e2e-big-'));
    const big = syntheticCatalog(2000, 8, 1);
    relations = big.relations.length;
    await mkdir(join(seedDir, 'patterns'));
    await mkdir(join(seedDir, 'relations'));
    await writeFile(join(seedDir, 'patterns', 'all.json'), JSON.stringify(big.patterns));
    await writeFile(join(seedDir, 'relations', 'all.json'), JSON.stringify(big.relations));
    await writeFile(join(seedDir, 'situations.json'), JSON.stringify(big.situations));
    server = await startServer({}, ['--seed-dir', seedDir]);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (seedDir) await rm(seedDir, { recursive: true, force: true });
  });

  it('leaves the edge program as sigma’s own edge pass would, after slicing it across tasks', async () => {
    await page.goto(server.url);
    await page.waitForSelector(`${graph}[data-drawn="true"][data-edges-drawn="true"]`, { timeout: 120_000 });
    const sliced = await page.evaluate<Record<string, unknown>>(EDGE_PASS_STATE);
    expect(relations).toBeGreaterThan(8000);
    expect(sliced.edges).toBe(relations);
    expect(sliced.capacity).toBe(relations);
    expect(String(sliced.picking).split(';')).toHaveLength(relations);
    // sigma did not run its own pass over the edges: the slices did the work
    expect(await page.evaluate('window.psygraph.controller.renderer.edgesInOnePass')).toBe(0);
    // sigma's own pass, run now on the same graph, writes the very same program
    await page.evaluate('window.psygraph.controller.renderer.processEdges()');
    expect(await page.evaluate<Record<string, unknown>>(EDGE_PASS_STATE)).toEqual(sliced);
  });

  it('answers the pointer once drawn: a click on a pattern selects it', async () => {
    await page.waitForSelector(`${graph}[data-layout="done"]`, { timeout: 120_000 });
    await page.waitForTimeout(300);
    const t = await page.evaluate<{ n: string; x: number; y: number } | null>(patternNearCentre(4));
    expect(t).not.toBeNull();
    const box = (await page.locator(graph).boundingBox())!;
    await page.mouse.click(box.x + t!.x, box.y + t!.y);
    await page.waitForURL(new RegExp(`pattern=${t!.n}`), { timeout: 10_000 });
  });

  it('shows its 2,000 × 2,000 matrix through a window-sized canvas; a far cell answers the pointer once scrolled to', async () => {
    await page.goto(`${server.url}/?stage=matrix`);
    await page.waitForSelector('[data-testid="matrix"] canvas');
    expect(Number(await page.getAttribute('[data-testid="matrix"]', 'data-size'))).toBe(2000);
    const cell = Number(await page.getAttribute('[data-testid="matrix"]', 'data-cell-size'));
    const sheet = (await page.locator('[data-testid="matrix-sheet"]').boundingBox())!;
    expect(sheet.width).toBeCloseTo(2000 * cell, 0);
    // the canvas is no bigger than the window onto the matrix
    const canvas = (await page.locator('[data-testid="matrix"] canvas').boundingBox())!;
    expect(canvas.width).toBeLessThanOrEqual(1280);
    expect(canvas.height).toBeLessThanOrEqual(800);
    // a relation far down and to the right, scrolled into view, then hovered
    const far = await page.evaluate<{ row: number; col: number; a: string; b: string }>(`(() => {
      const m = window.psygraph.matrix;
      const c = [...m.cells.values()].find((c) => c.row > 1500 && c.col > 1500);
      return { row: c.row, col: c.col, a: window.psygraph.nameOf(m.ids[c.row]), b: window.psygraph.nameOf(m.ids[c.col]) };
    })()`);
    await page.evaluate(
      `document.querySelector('[data-testid="matrix"]').scrollTo(${far.col * cell - 300}, ${far.row * cell - 300})`,
    );
    // the canvas follows the view at the scroll event, which comes with the next frame
    await page.waitForFunction(
      `(() => { const r = document.querySelector('[data-testid="matrix"] canvas').getBoundingClientRect(); return r.top >= 0 && r.top < 800; })()`,
    );
    const moved = (await page.locator('[data-testid="matrix-sheet"]').boundingBox())!;
    expect(moved.y).toBeLessThan(sheet.y - 1000);
    const canvasNow = (await page.locator('[data-testid="matrix"] canvas').boundingBox())!;
    expect(canvasNow.y).toBeGreaterThanOrEqual(0);
    expect(canvasNow.y).toBeLessThan(800);
    // and drew the far cell, in its relation's colour (not the stage's)
    const [px, py] = [
      moved.x + (far.col + 0.5) * cell - canvasNow.x,
      moved.y + (far.row + 0.5) * cell - canvasNow.y,
    ];
    const pixels = await page.evaluate<{ cell: number[]; stage: number[] }>(`(() => {
      const c = document.querySelector('[data-testid="matrix"] canvas');
      const ratio = window.devicePixelRatio || 1;
      const at = (x, y) => [...c.getContext('2d').getImageData(x * ratio, y * ratio, 1, 1).data];
      return { cell: at(${Math.round(px)}, ${Math.round(py)}), stage: at(2, 2) };
    })()`);
    expect(pixels.cell).not.toEqual(pixels.stage);
    await page.mouse.move(moved.x + (far.col + 0.5) * cell, moved.y + (far.row + 0.5) * cell);
    await page.waitForSelector('[data-testid="matrix-tip"]', { timeout: 10_000 });
    const tip = await page.textContent('[data-testid="matrix-tip"]');
    expect(tip).toContain(far.a);
    expect(tip).toContain(far.b);
    expect(tip).not.toContain('no relation');
  });
});
