// npm run bench: prints one JSON line per measurement, each with the figure, its target where one
// exists, and the comparison measured in the same run. Runs on the built code (dist/).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphHash } from '../dist/model/index.js';
import { sampleFromView } from '../dist/sample/sample.js';
import { buildSamplerView } from '../dist/sample/view.js';
import { syntheticCatalog } from '../dist/sample/synthetic.js';
import { loadSeed } from '../dist/store/seed.js';
import { MemoryStore } from '../dist/store/memory-store.js';
import { freePort, startNeo4j, stopNeo4j } from './neo4j.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
const emit = (record) => console.log(JSON.stringify({ ...record, machine }));

function time(fn) {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}
async function timeAsync(fn) {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

// ---- sampler on the shipped graph (memory) ----
const seed = await loadSeed();
const hash = graphHash(seed.patterns, seed.relations);
const view = buildSamplerView(seed);
// warm up the JIT so the figures describe steady state, as a long batch sees it
for (const strategy of ['walk', 'coverage', 'humanllm'])
  sampleFromView(view, { n: 5000, seed: 99, strategy, allowFewer: true }, hash);

let memoryWalkPerSecond;
for (const strategy of ['walk', 'coverage', 'motif', 'humanllm']) {
  const runs = [1, 2, 3].map((s) =>
    time(() => sampleFromView(view, { n: 11359, seed: s, strategy, allowFewer: true }, hash)),
  );
  const best = median(runs.map((r) => r.ms));
  const produced = runs[0].value.scenarios.length;
  const record = {
    bench: 'sample',
    backend: 'memory',
    graph: `seed (${seed.patterns.length} patterns, ${seed.relations.length} relations)`,
    strategy,
    scenarios: produced,
    msFor11359: round(best),
    perSecond: Math.round((produced / best) * 1000),
  };
  if (strategy === 'walk') {
    Object.assign(record, { target: { perSecond: 100000, msFor11359: 500 } });
    memoryWalkPerSecond = record.perSecond;
  }
  if (strategy === 'humanllm') {
    const h = runs[0].value.report.humanllm;
    Object.assign(record, { connectedShare: h.connectedShare, linkedShare: h.linkedShare, vetoed: h.vetoed });
  }
  emit(record);
}

// ---- sampler scaling on synthetic graphs ----
for (const [n, deg] of [
  [244, 12],
  [10000, 10],
]) {
  const c = syntheticCatalog(n, deg, 1);
  const build = time(() => buildSamplerView(c));
  const v = build.value;
  sampleFromView(v, { n: 2000, seed: 1 }, 'synthetic');
  const run = time(() => sampleFromView(v, { n: 20000, seed: 2, allowFewer: true }, 'synthetic'));
  emit({
    bench: 'sample',
    backend: 'memory',
    graph: `synthetic ${n} patterns, ~${deg} edges each`,
    strategy: 'walk',
    buildViewMs: round(build.ms),
    perSecond: Math.round((run.value.scenarios.length / run.ms) * 1000),
  });
}

// ---- stores: load and read latency, memory vs Neo4j ----
async function readLatencies(store) {
  const ids = seed.patterns.map((p) => p.id);
  const lat = { getNeighbourhood: [], listRelationsByPattern: [], stats: [] };
  for (let i = 0; i < 30; i++) {
    const id = ids[(i * 37) % ids.length];
    lat.getNeighbourhood.push((await timeAsync(() => store.getNeighbourhood(id))).ms);
    lat.listRelationsByPattern.push((await timeAsync(() => store.listRelations({ pattern: id }))).ms);
    if (i < 10) lat.stats.push((await timeAsync(() => store.stats())).ms);
  }
  return Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, round(median(v), 2)]));
}

const memDir = path.join(os.tmpdir(), `psygraph-bench-${process.pid}`);
const mem = await MemoryStore.open({ dataDir: memDir });
const memLoad = await timeAsync(() => mem.replaceCatalog(seed, { prune: true }));
emit({ bench: 'store', backend: 'memory', loadMs: round(memLoad.ms), medianMs: await readLatencies(mem) });

let neo4jUri = process.env.NEO4J_URI;
let started = false;
const env = {
  ...process.env,
  // a free port unless told: benches in two checkouts on one machine must not collide
  NEO4J_BOLT_PORT: process.env.PSYGRAPH_BENCH_NEO4J_PORT ?? freePort(),
  PSYGRAPH_DATA_DIR: path.join(ROOT, '.psygraph', 'bench'),
};
if (!neo4jUri && spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0) {
  neo4jUri = startNeo4j(env);
  started = true;
}
if (neo4jUri) {
  const { Neo4jStore } = await import('../dist/store/neo4j-store.js');
  const { sampleInDatabase } = await import('../dist/store/neo4j-walk.js');
  const store = await Neo4jStore.connect({ uri: neo4jUri });
  try {
    await store.clear();
    const first = await timeAsync(() => store.replaceCatalog(seed, { prune: true }));
    const second = await timeAsync(() => store.replaceCatalog(seed, { prune: true }));
    const stats = await store.stats();
    emit({
      bench: 'store',
      backend: 'neo4j',
      firstLoadMs: round(first.ms),
      secondLoadMs: round(second.ms),
      graphHashMatchesSeed: stats.graphHash === hash,
      medianMs: await readLatencies(store),
    });
    const snap = await timeAsync(() => store.snapshot());
    emit({
      bench: 'store',
      backend: 'neo4j',
      snapshotMs: round(snap.ms),
      note: 'load the whole graph once, then sample in memory',
    });
    // the batched in-database walk against the in-memory walk of this same run (same n, seeds)
    await sampleInDatabase(store, { n: 2000, seed: 99 }, hash); // warm-up: query plans, JIT
    const runs = [];
    for (const s of [1, 2, 3])
      runs.push(
        await timeAsync(() => sampleInDatabase(store, { n: 11359, seed: s, allowFewer: true }, hash)),
      );
    const best = median(runs.map((r) => r.ms));
    const produced = runs[0].value.scenarios.length;
    const perSecond = Math.round((produced / best) * 1000);
    const memory = sampleFromView(view, { n: 11359, seed: 1, allowFewer: true }, hash);
    emit({
      bench: 'sample',
      backend: 'neo4j-in-database',
      graph: `seed (${seed.patterns.length} patterns, ${seed.relations.length} relations)`,
      strategy: 'walk',
      scenarios: produced,
      msFor11359: round(best),
      perSecond,
      memoryPerSecond: memoryWalkPerSecond,
      slowerThanMemory: round(memoryWalkPerSecond / perSecond),
      target: { slowerThanMemoryAtMost: 50 },
      sameScenariosAsMemory: JSON.stringify(runs[0].value) === JSON.stringify(memory),
      note: 'batched walk (psygraph sample --in-database): one query per growth step for up to 5000 walks',
    });
  } finally {
    await store.close();
    if (started) stopNeo4j(env);
  }
} else {
  emit({ bench: 'store', backend: 'neo4j', skipped: 'no NEO4J_URI and no Java for the local launcher' });
}
