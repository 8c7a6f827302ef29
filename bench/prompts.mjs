// Prompt compiler benchmark: compile Markdown prompts (with receipts) for 11,359 sampled scenarios
// — the size of the HumanLLM dataset — and write them as JSON lines to a temp file. Prints one JSON
// line. Runs on the built code (dist/): `npm run build && node bench/prompts.mjs`.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { batchLines, createPromptContext, renderPrompt } from '../dist/prompt/index.js';
import { sampleScenarios } from '../dist/sample/sample.js';
import { syntheticCatalog } from '../dist/sample/synthetic.js';
import { loadSeed } from '../dist/store/seed.js';

const N = 11359;
let catalog;
let graph;
try {
  catalog = await loadSeed();
  graph = `seed (${catalog.patterns.length} patterns, ${catalog.relations.length} relations)`;
} catch {
  // the shipped seed is still being completed: measure on a synthetic graph of the same size
  catalog = syntheticCatalog(244, 12, 1);
  graph = 'synthetic (244 patterns, ~12 edges each)';
}
const { scenarios } = sampleScenarios(catalog, { n: N, seed: 1, characters: [1, 3], allowFewer: true });

const file = path.join(os.tmpdir(), `psygraph-bench-prompts-${process.pid}.jsonl`);
const start = performance.now();
const ctx = createPromptContext(catalog);
const out = createWriteStream(file, { highWaterMark: 1 << 20 });
for (const scenario of scenarios) {
  const line = batchLines(renderPrompt(scenario, ctx, 'markdown'), 'markdown').join('\n') + '\n';
  if (!out.write(line)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
const ms = performance.now() - start;
const { size } = await stat(file);
await rm(file, { force: true });

console.log(
  JSON.stringify({
    bench: 'prompts',
    graph,
    format: 'markdown',
    encoding: 'o200k_base',
    scenarios: scenarios.length,
    ms: Math.round(ms),
    perSecond: Math.round((scenarios.length / ms) * 1000),
    megabytesWritten: Math.round(size / 1e5) / 10,
    target: { ms: 5000 },
    machine: `${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
  }),
);
