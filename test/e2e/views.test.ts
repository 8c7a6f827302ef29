/**
 * The explorer's map views in a real browser against a real server: the grouped overview, the
 * focus view, paths, the matrix and trait views, a framed scenario, each restorable from its link.
 * Checks read the app's state through `window.psygraph` (the handle App.svelte leaves for tests).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureBuilt,
  hasChromium,
  launchBrowser,
  pngSize,
  ROOT,
  startServer,
  type Server,
} from './harness.js';

const BASELINES = join(ROOT, 'test/e2e/baseline');
const graph = '[data-testid="graph"]';

function expectLikeBaseline(name: string, shot: Buffer): void {
  const file = join(BASELINES, `${name}.png`);
  if (!existsSync(file) || process.env.UPDATE_BASELINE === '1') writeFileSync(file, shot);
  expect(pngSize(readFileSync(file))).toEqual(pngSize(shot));
}

interface Edge {
  id: string;
  type: string;
  source: string;
  target: string;
}

/** Everything within `depth` steps of `start`, every relation followed either way (direction "both"). */
function bfs(edges: Edge[], start: string, depth: number): Set<string> {
  const around = new Map<string, string[]>();
  for (const e of edges) {
    around.set(e.source, [...(around.get(e.source) ?? []), e.target]);
    around.set(e.target, [...(around.get(e.target) ?? []), e.source]);
  }
  const seen = new Set([start]);
  let frontier = [start];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const n of frontier)
      for (const m of around.get(n) ?? []) {
        if (seen.has(m)) continue;
        seen.add(m);
        next.push(m);
      }
    frontier = next;
  }
  return seen;
}

// Browser-side reads as expressions (this file is type-checked without the DOM library).
const positions = (ids: string[]) =>
  `(() => { const g = window.psygraph.controller.renderer.getGraph(); return ${JSON.stringify(ids)}.map((id) => [g.getNodeAttribute(id, 'x'), g.getNodeAttribute(id, 'y')]); })()`;
const focusNodes = `[...(window.psygraph.focus?.nodes ?? [])].sort()`;
const framed = (ids: string[]) => `window.psygraph.controller.framed(${JSON.stringify(ids)})`;

describe.skipIf(!hasChromium)('explorer map views (headless Chromium)', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let edges: Edge[];

  const settled = (extra = '') =>
    page.waitForSelector(`${graph}[data-drawn="true"][data-layout="done"]${extra}`, { timeout: 60_000 });
  const open = async (query: string) => {
    await page.goto(`${server.url}/${query}`);
    await settled();
  };

  beforeAll(async () => {
    ensureBuilt();
    server = await startServer();
    edges = ((await (await fetch(`${server.url}/api/graph`)).json()) as { edges: Edge[] }).edges;
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
  });

  it('groups the overview by family, by community or not at all, each a different layout, with group labels', async () => {
    await open('');
    const probe = ['conformity', 'loss-aversion', 'talkative', 'anxious', 'creative'];
    expect(await page.getAttribute(graph, 'data-group')).toBe('family');
    await page.waitForTimeout(800);
    expectLikeBaseline('overview', await page.screenshot());
    const byFamily = await page.evaluate<number[][]>(positions(probe));
    const familyLabels = await page.locator('.group-label').allTextContents();
    expect(familyLabels).toEqual(expect.arrayContaining(['extraversion', 'cognitive bias']));
    // no two node labels overlap, nor a node label and a group label
    const overlaps = await page.evaluate<number>(`(() => {
      const b = window.psygraph.controller.labelBoxes.concat(window.psygraph.controller.obstacles);
      let n = 0;
      for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++)
        if (b[i].x < b[j].x + b[j].w && b[j].x < b[i].x + b[i].w && b[i].y < b[j].y + b[j].h && b[j].y < b[i].y + b[i].h) n++;
      return n;
    })()`);
    expect(overlaps).toBe(0);
    expect(await page.evaluate<number>('window.psygraph.controller.labelBoxes.length')).toBeGreaterThan(40);

    await page.selectOption('[data-testid="group-by"]', 'community');
    await settled('[data-group="community"]');
    expect(page.url()).toContain('group=community');
    const byCommunity = await page.evaluate<number[][]>(positions(probe));
    expect(byCommunity).not.toEqual(byFamily);
    const communities = await page.evaluate<number>('new Set(Object.values(window.psygraph.groups)).size');
    expect(communities).toBeGreaterThan(2);
    expect(await page.locator('.group-label').count()).toBeGreaterThan(2);

    await page.selectOption('[data-testid="group-by"]', 'none');
    await settled('[data-group="none"]');
    expect(await page.locator('.group-label').count()).toBe(0);
    // restorable from the link
    await page.reload();
    await settled('[data-group="none"]');
    expect(await page.inputValue('[data-testid="group-by"]')).toBe('none');
  });

  it('focuses a pattern: exactly its depth-N neighbourhood, on rings of its own, the rest faded; breadcrumbs step back', async () => {
    await open('?pattern=conformity&depth=1');
    await page.waitForSelector('[data-testid="pattern-panel"]');
    expect(await page.evaluate<string[]>(focusNodes)).toEqual([...bfs(edges, 'conformity', 1)].sort());
    await page.waitForTimeout(800);
    expectLikeBaseline('focus', await page.screenshot());
    // the neighbours sit on one ring around the pattern
    const ring = [...bfs(edges, 'conformity', 1)].filter((n) => n !== 'conformity');
    const [centre, ...rest] = await page.evaluate<number[][]>(positions(['conformity', ...ring]));
    const radii = rest.map(([x, y]) => Math.hypot(x! - centre![0]!, y! - centre![1]!));
    expect(Math.max(...radii) - Math.min(...radii)).toBeLessThan(1e-6 * Math.max(...radii) + 1e-9);
    // every other pattern stays drawn (faded, not hidden)
    expect(Number(await page.getAttribute(graph, 'data-visible-nodes'))).toBe(244);

    await page.click('[data-testid="depth-2"]');
    await page.waitForFunction(`location.search.includes('depth=2')`);
    expect(await page.evaluate<string[]>(focusNodes)).toEqual([...bfs(edges, 'conformity', 2)].sort());

    // move on to a neighbour: a breadcrumb leads back
    const neighbour = page.locator('[data-testid^="neighbours-"] button.link').first();
    await neighbour.click();
    await page.waitForSelector('[data-testid="breadcrumbs"]');
    expect(page.url()).toContain('trail=conformity');
    const moved = new URL(page.url()).searchParams.get('pattern')!;
    expect(await page.evaluate<string[]>(focusNodes)).toEqual([...bfs(edges, moved, 2)].sort());
    await page.reload();
    await settled();
    await page.waitForSelector('[data-testid="breadcrumbs"]');
    await page.click('[data-testid="breadcrumbs"] button');
    await page.waitForFunction(`new URLSearchParams(location.search).get('pattern') === 'conformity'`);
    expect(await page.locator('[data-testid="breadcrumbs"]').count()).toBe(0);
  });

  it('finds the paths between two patterns, lists them with rationales and draws them', async () => {
    await open('?tab=paths');
    await page.fill('[data-testid="paths-from"]', 'loss aversion');
    await page.fill('[data-testid="paths-to"]', 'conformity');
    await page.click('[data-testid="paths-find"]');
    await page.waitForSelector('[data-testid="path"]');
    const expected = (await (
      await fetch(`${server.url}/api/paths?from=loss-aversion&to=conformity`)
    ).json()) as {
      paths: { patterns: string[]; reading: string; steps: { relation: string; rationale: string }[] }[];
    };
    expect(await page.locator('[data-testid="path"]').count()).toBe(expected.paths.length);
    expect(expected.paths.length).toBe(3);
    const listed = await page.textContent('[data-testid="paths-list"]');
    for (const p of expected.paths) {
      expect(listed).toContain(p.reading);
      expect(listed).toContain(p.steps[0]!.rationale);
    }
    // drawn: the focus is exactly the paths' patterns and relations
    const nodes = [...new Set(expected.paths.flatMap((p) => p.patterns))].sort();
    await page.waitForFunction(`${JSON.stringify(nodes)}.join() === ${focusNodes}.join()`);
    const focusEdges = await page.evaluate<string[]>('[...window.psygraph.focus.edges].sort()');
    expect(focusEdges).toEqual(
      [...new Set(expected.paths.flatMap((p) => p.steps.map((s) => s.relation)))].sort(),
    );
    await page.waitForTimeout(900);
    expect(await page.evaluate<boolean>(framed(nodes))).toBe(true);
    expectLikeBaseline('paths', await page.screenshot());

    // a type filter is a new question, in the URL
    await page.click('[data-testid="paths-type-MODULATES"]');
    await page.waitForFunction(`location.search.includes('ptypes=REINFORCES%2CCONFLICTS')`);
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-testid="path"]')].length > 0 && !document.querySelector('[data-testid="paths-list"]').textContent.includes('modulates')`,
    );
    // restorable from the link
    const link = page.url();
    await page.goto(link);
    await settled();
    await page.waitForSelector('[data-testid="path"]');
    expect(await page.inputValue('[data-testid="paths-from"]')).toBe('loss aversion');
    expect(await page.isChecked('[data-testid="paths-type-MODULATES"]')).toBe(false);
  });

  it('says so when there is no path', async () => {
    await open('?tab=paths&from=loss-aversion&to=conformity&ptypes=EXCLUDES');
    await page.waitForSelector('[data-testid="paths-none"]');
    expect(await page.textContent('[data-testid="paths-none"]')).toContain('no path from "loss-aversion"');
  });

  it('shows the typed adjacency matrix on a canvas; a cell opens its relation, from the link too', async () => {
    await open('?stage=matrix');
    await page.waitForSelector('[data-testid="matrix"] canvas');
    expect(Number(await page.getAttribute('[data-testid="matrix"]', 'data-size'))).toBe(244);
    expect(await page.locator('[data-testid="matrix"] canvas').count()).toBe(1);
    // the cell of loss aversion → status quo bias, at the place the app's order puts it
    const cell = Number(await page.getAttribute('[data-testid="matrix"]', 'data-cell-size'));
    const ids = await page.evaluate<string[]>(`window.psygraph.matrix.ids`);
    const [r, c] = [ids.indexOf('loss-aversion'), ids.indexOf('status-quo-bias')];
    const box = (await page.locator('[data-testid="matrix-sheet"]').boundingBox())!;
    await page.mouse.move(box.x + (c + 0.5) * cell, box.y + (r + 0.5) * cell);
    await page.waitForSelector('[data-testid="matrix-tip"]');
    expect(await page.textContent('[data-testid="matrix-tip"]')).toContain('reinforces');
    await page.mouse.click(box.x + (c + 0.5) * cell, box.y + (r + 0.5) * cell);
    await page.waitForSelector('[data-testid="matrix-opened"]');
    expect(page.url()).toContain('cell=loss-aversion--REINFORCES--status-quo-bias');
    await page.waitForFunction(
      `document.querySelector('[data-testid="matrix-rationale"]')?.textContent.includes('give-ups')`,
    );
    expect(await page.textContent('#pattern-title')).toBe('loss aversion');
    await page.waitForTimeout(300);
    expectLikeBaseline('matrix', await page.screenshot());
    await page.reload();
    await page.waitForSelector('[data-testid="matrix-opened"]');
    await page.waitForFunction(
      `document.querySelector('[data-testid="matrix-rationale"]')?.textContent.includes('give-ups')`,
    );
  });

  it('shows the 100 × 100 trait verdicts', async () => {
    await open('?stage=traits');
    await page.waitForSelector('[data-testid="matrix"][data-mode="traits"]');
    expect(Number(await page.getAttribute('[data-testid="matrix"]', 'data-size'))).toBe(100);
  });

  it('colours patterns and relations by library coverage, so the gaps show', async () => {
    const sampled = (await (
      await fetch(`${server.url}/api/sample`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: 5, seed: 11 }),
      })
    ).json()) as { scenarios: { patterns: string[] }[] };
    await fetch(`${server.url}/api/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenarios: sampled.scenarios }),
    });
    const used = new Set(sampled.scenarios.flatMap((s) => s.patterns));
    await open('?tab=library');
    await page.click('[data-testid="coverage-toggle"]');
    await page.waitForFunction(`location.search.includes('cov=1')`);
    await page.waitForFunction(
      `Number(document.querySelector('${graph}').dataset.coveredNodes) === ${used.size}`,
    );
    expect(await page.textContent('[data-testid="coverage-summary"]')).toContain(
      `${used.size} of 244 patterns`,
    );
    const unused = edges.map((e) => e.source).find((id) => !used.has(id))!;
    const colours = await page.evaluate<string[]>(
      `(() => { const g = window.psygraph.controller.renderer.getGraph(); return ['${[...used][0]}', '${unused}'].map((n) => g.getNodeAttribute(n, 'coverageColor')); })()`,
    );
    expect(colours[0]).not.toBe(colours[1]);
    await page.reload();
    await settled();
    await page.waitForFunction(
      `Number(document.querySelector('${graph}').dataset.coveredNodes) === ${used.size}`,
    );
  });

  it('frames a chosen scenario clear of the panels, from the sampler and from its link', async () => {
    await open('?tab=sampler');
    await page.click('[data-testid="run-sample"]');
    await page.waitForSelector('[data-testid="sample-results"] button');
    await page.locator('[data-testid="sample-results"] button').nth(2).click();
    await page.waitForSelector('[data-testid="scenario-view"]');
    const patterns = await page.evaluate<string[]>('window.psygraph.sampler.current.patterns');
    await page.waitForTimeout(900);
    expect(await page.evaluate<boolean>(framed(patterns))).toBe(true);
    // the stage lies between the panels: framed means inside it, not under the legend or the panels
    const stage = (await page.locator('main.stage').boundingBox())!;
    const legend = (await page.locator('aside.legend').boundingBox())!;
    const panels = (await page.locator('aside.panels').boundingBox())!;
    expect(stage.x).toBeGreaterThanOrEqual(legend.x + legend.width - 1);
    expect(stage.x + stage.width).toBeLessThanOrEqual(panels.x + 1);
    await page.reload();
    await settled();
    await page.waitForSelector('[data-testid="scenario-view"]');
    await page.waitForTimeout(900);
    expect(await page.evaluate<boolean>(framed(patterns))).toBe(true);
  });
});
