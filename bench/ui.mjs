/* global window, document, PerformanceObserver, MutationObserver, requestAnimationFrame -- page.addInitScript and page.evaluate run these in the browser */
// Part of npm run bench: drives the explorer in headless Chromium (SwiftShader WebGL) and prints
// JSON lines: time from navigation to the first drawn graph, to the finished layout, the longest
// main-thread task during load and the hover highlight latency, for the shipped graph and a
// synthetic 10,000-pattern / 40,500-relation graph, measured in the same run; and, for the shipped
// graph grouped by community, the ratio of the mean on-screen length of edges inside a group to
// edges across groups (target <= 0.6) and the count of overlapping labels at the default zoom
// (target 0).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { syntheticCatalog } from '../dist/sample/synthetic.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
const emit = (r) => console.log(JSON.stringify({ bench: 'explorer', ...r, machine }));

if (!existsSync(CHROMIUM) || !existsSync(path.join(ROOT, 'ui/dist/index.html'))) {
  emit({ skipped: 'needs Debian chromium and a built UI (npm run build:ui)' });
  process.exit(0);
}

async function startServer(args, dataDir) {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'dist/cli/index.js'), ...args, 'serve', '--port', '0'],
    {
      env: { ...process.env, PSYGRAPH_DATA_DIR: dataDir, PSYGRAPH_STORE: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(d.toString());
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return { url, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) };
}

async function measure(browser, url, { hover = false } = {}) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
    // when the graph is first drawn, on the page's clock (to split server time from the page's)
    new MutationObserver((_m, observer) => {
      if (document.querySelector('[data-drawn="true"]')) {
        window.__drawnAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-drawn'] });
  });
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('[data-drawn="true"]', { timeout: 300_000 });
  const drawn = Date.now() - t0;
  await page.waitForSelector('[data-drawn="true"][data-layout="done"]', { timeout: 600_000 });
  const laidOut = Date.now() - t0;
  const longest = await page.evaluate(() => window.__longest);
  // the server's part: until /api/graph has arrived; the page's part: from then to the first frame
  const split = await page.evaluate(() => {
    const graph = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/graph'));
    return graph
      ? { graphArrivedMs: graph.responseEnd, drawnAfterDataMs: window.__drawnAt - graph.responseEnd }
      : {};
  });
  const result = {
    firstDrawnMs: drawn,
    layoutDoneMs: laidOut,
    longestTaskMs: Math.round(longest),
    graphArrivedMs: Math.round(split.graphArrivedMs),
    drawnAfterDataMs: Math.round(split.drawnAfterDataMs),
  };
  if (hover) result.hoverMs = await hoverLatency(page);
  await page.close();
  return result;
}

/**
 * Hover highlight latency: from the mouse arriving on a pattern to the frame that draws its
 * neighbourhood highlighted, for 7 patterns near the centre; the median.
 */
async function hoverLatency(page) {
  await page.waitForTimeout(600); // the camera settles after the layout
  const targets = await page.evaluate(() => {
    const r = window.psygraph.controller.renderer;
    const { width, height } = r.getDimensions();
    const out = [];
    r.getGraph().forEachNode((n) => {
      const p = r.framedGraphToViewport(r.getNodeDisplayData(n));
      const off = Math.hypot(p.x - width / 2, p.y - height / 2);
      out.push({ n, x: p.x, y: p.y, off });
    });
    return out
      .sort((a, b) => a.off - b.off)
      .filter((_, i) => i % 10 === 0)
      .slice(0, 7);
  });
  const box = await page.locator('[data-testid="graph"]').boundingBox();
  const times = [];
  for (const t of targets) {
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.waitForFunction(() => window.psygraph.hovered === null);
    await page.evaluate(() => {
      window.__hover = new Promise((resolve) => {
        const el = document.querySelector('[data-testid="graph"]');
        el.addEventListener(
          'mousemove',
          () => {
            const start = performance.now();
            const r = window.psygraph.controller.renderer;
            const wait = () => {
              if (window.psygraph.hovered && r.getGraphState().hasFocus)
                r.once('afterRender', () => resolve(performance.now() - start));
              else requestAnimationFrame(wait);
            };
            wait();
          },
          { once: true, capture: true },
        );
      });
    });
    await page.mouse.move(box.x + t.x, box.y + t.y);
    times.push(
      await Promise.race([page.evaluate(() => window.__hover), page.waitForTimeout(5000).then(() => NaN)]),
    );
  }
  const ok = times.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return {
    median: Math.round(ok[Math.floor(ok.length / 2)] ?? NaN),
    worst: Math.round(ok[ok.length - 1] ?? NaN),
    hits: ok.length,
    of: times.length,
  };
}

/** The grouped overview: intra / inter mean on-screen edge length, and overlapping labels. */
async function structure(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.waitForSelector('[data-drawn="true"][data-layout="done"]', { timeout: 300_000 });
  await page.waitForTimeout(800);
  const out = await page.evaluate(() => {
    const app = window.psygraph;
    const r = app.controller.renderer;
    const g = r.getGraph();
    const at = (n) => r.framedGraphToViewport(r.getNodeDisplayData(n));
    const sums = { intra: [0, 0], inter: [0, 0] };
    g.forEachEdge((_e, _a, s, t) => {
      const [p, q] = [at(s), at(t)];
      const which = app.groups[s] === app.groups[t] ? 'intra' : 'inter';
      sums[which][0] += Math.hypot(p.x - q.x, p.y - q.y);
      sums[which][1] += 1;
    });
    const boxes = app.controller.labelBoxes.concat(app.controller.obstacles);
    let overlaps = 0;
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps++;
      }
    const intra = sums.intra[0] / sums.intra[1];
    const inter = sums.inter[0] / sums.inter[1];
    return {
      groups: new Set(Object.values(app.groups)).size,
      intraEdges: sums.intra[1],
      interEdges: sums.inter[1],
      intraInterLengthRatio: Math.round((intra / inter) * 1000) / 1000,
      labelsShown: app.controller.labelBoxes.length,
      overlappingLabels: overlaps,
    };
  });
  await page.close();
  return out;
}

/** Loads jitter by ±80 ms here (SwiftShader shares the two cores), so report the median and the worst. */
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 7);
async function measureRuns(browser, url) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, url));
  const stat = (key) => {
    const v = runs.map((r) => r[key]).sort((a, b) => a - b);
    return { median: v[Math.floor(v.length / 2)], worst: v[v.length - 1] };
  };
  return {
    runs: RUNS,
    graphArrivedMs: stat('graphArrivedMs'),
    drawnAfterDataMs: stat('drawnAfterDataMs'),
    firstDrawnMs: stat('firstDrawnMs'),
    layoutDoneMs: stat('layoutDoneMs'),
    longestTaskMs: stat('longestTaskMs'),
  };
}

const tmp = await mkdtemp(path.join(os.tmpdir(), 'psygraph-bench-ui-'));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-sandbox'],
});
try {
  const seed = await startServer([], path.join(tmp, 'seed-data'));
  await measure(browser, seed.url); // warm the browser's shader cache, as a returning user has it
  emit({
    graph: 'seed (244 patterns)',
    ...(await measureRuns(browser, seed.url)),
    hoverMs: (await measure(browser, seed.url, { hover: true })).hoverMs,
    target: { firstDrawnMs: 1500, longestTaskMs: 200, hoverMs: 50 },
  });
  for (const group of ['community', 'family', 'none']) {
    emit({
      graph: 'seed (244 patterns)',
      view: `overview grouped by ${group}`,
      ...(await structure(browser, `${seed.url}/?group=${group}`)),
      target: group === 'none' ? undefined : { intraInterLengthRatio: 0.6, overlappingLabels: 0 },
    });
  }
  await seed.stop();

  const big = syntheticCatalog(10000, 8, 1);
  const dir = path.join(tmp, 'big-seed');
  await mkdir(path.join(dir, 'patterns'), { recursive: true });
  await mkdir(path.join(dir, 'relations'), { recursive: true });
  await writeFile(path.join(dir, 'patterns', 'all.json'), JSON.stringify(big.patterns));
  await writeFile(path.join(dir, 'relations', 'all.json'), JSON.stringify(big.relations));
  await writeFile(path.join(dir, 'situations.json'), JSON.stringify(big.situations));
  const server = await startServer(['--seed-dir', dir], path.join(tmp, 'big-data'));
  emit({
    graph: `synthetic ${big.patterns.length} patterns, ${big.relations.length} relations`,
    ...(await measure(browser, server.url, { hover: true })),
    target: { firstDrawnMs: 2000, longestTaskMs: 200, hoverMs: 50 },
  });
  await server.stop();
} finally {
  await browser.close();
  await rm(tmp, { recursive: true, force: true });
}
