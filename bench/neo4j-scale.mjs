// npm run bench, part 2: a graph too big to load comfortably. The synthetic generator makes
// 100,000 patterns and 1,000,000 causal relations; they are loaded into a local Neo4j (the
// project's launcher on a free port, its own data directory, started and stopped here) in
// batched UNWIND writes, then the batched in-database walk is timed next to
// snapshot-then-sample. One JSON line per measurement; a line saying "skipped" without
// Java/Maven. PSYGRAPH_SCALE_PATTERNS / PSYGRAPH_SCALE_DEGREE shrink it for a quick look.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphHash } from '../dist/model/index.js';
import { sampleFromView } from '../dist/sample/sample.js';
import { syntheticCatalog } from '../dist/sample/synthetic.js';
import { buildSamplerView } from '../dist/sample/view.js';
import { freePort, startNeo4j, stopNeo4j } from './neo4j.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
const emit = (record) => console.log(JSON.stringify({ bench: 'neo4j-scale', ...record, machine }));
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mib = (bytes) => Math.round(bytes / 2 ** 20);
async function timeAsync(fn) {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}
function client() {
  const m = process.memoryUsage();
  return { heapMiB: mib(m.heapUsed), rssMiB: mib(m.rss) };
}

const PATTERNS = Number(process.env.PSYGRAPH_SCALE_PATTERNS ?? 100_000);
const DEGREE = Number(process.env.PSYGRAPH_SCALE_DEGREE ?? 20); // relations = patterns × degree / 2
const HEAP = process.env.NEO4J_HEAP ?? '2g';
const PAGECACHE = process.env.NEO4J_PAGECACHE ?? '1g';

const has = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
if (process.env.NEO4J_URI) {
  emit({ skipped: 'NEO4J_URI is set: this bench loads a million relations only into its own local Neo4j' });
  process.exit(0);
}
if (!has(java, ['-version']) || !has('mvn', ['-v'])) {
  emit({ skipped: 'Java 17+ and Maven are needed for the local Neo4j launcher' });
  process.exit(0);
}

const dataDir = path.join(ROOT, '.psygraph', 'bench-scale');
const env = {
  ...process.env,
  NEO4J_BOLT_PORT: freePort(),
  PSYGRAPH_DATA_DIR: dataDir,
  NEO4J_HEAP: HEAP,
  NEO4J_PAGECACHE: PAGECACHE,
};
const down = () => stopNeo4j(env);
/** Resident memory of the Neo4j JVM, from its pid file (Linux). */
function neo4jRssMiB() {
  try {
    const pid = readFileSync(path.join(dataDir, 'neo4j', 'pid'), 'utf8').trim();
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

// ---- the graph ----
const generated = await timeAsync(() => syntheticCatalog(PATTERNS, DEGREE, 1));
const catalog = generated.value;
const hash = graphHash(catalog.patterns, catalog.relations);
emit({
  step: 'generate',
  patterns: catalog.patterns.length,
  relations: catalog.relations.length,
  ms: round(generated.ms),
  client: client(),
});

down(); // a previous, interrupted run
rmSync(path.join(dataDir, 'neo4j'), { recursive: true, force: true });
const uri = startNeo4j(env);
const { Neo4jStore } = await import('../dist/store/neo4j-store.js');
const { sampleInDatabase } = await import('../dist/store/neo4j-walk.js');
const store = await Neo4jStore.connect({ uri });
try {
  const load = await timeAsync(() => store.bulkLoad(catalog, 10_000));
  emit({
    step: 'load',
    ...load.value,
    ms: round(load.ms),
    relationsPerSecond: Math.round((load.value.relations / load.ms) * 1000),
    neo4j: { heap: HEAP, pageCache: PAGECACHE, rssMiB: neo4jRssMiB() },
    note: 'bulkLoad: UNWIND batches of 10,000 rows, one transaction each, into an empty database',
  });

  const hashed = await timeAsync(() => store.contentHash());
  emit({
    step: 'contentHash',
    ms: round(hashed.ms),
    matches: hashed.value === hash,
    note: 'graphHash streamed from the stored documents; the CLI and API stamp in-database scenarios with it',
  });
  const kept = await timeAsync(() => store.contentHash());
  emit({
    step: 'contentHash kept',
    ms: round(kept.ms),
    matches: kept.value === hash,
    comparison: `${round(hashed.ms)} ms to compute it above`,
    note: 'the hash kept in :GraphMeta for this version of the graph, checked against count-store counts',
  });

  const N = 11359;
  // in-database first, while the client holds no snapshot (its memory is the batch's walks)
  await sampleInDatabase(store, { n: 1000, seed: 99 }, hash); // warm-up: query plans, JIT
  const before = client();
  const inDb = await timeAsync(() => sampleInDatabase(store, { n: N, seed: 1 }, hash));
  emit({
    step: 'sample',
    mode: 'in-database',
    scenarios: inDb.value.scenarios.length,
    ms: round(inDb.ms),
    perSecond: Math.round((inDb.value.scenarios.length / inDb.ms) * 1000),
    client: { before, after: client() },
    neo4jRssMiB: neo4jRssMiB(),
  });

  const snap = await timeAsync(() => store.snapshot());
  const afterSnapshot = client();
  const view = await timeAsync(() => buildSamplerView(snap.value));
  const memory = await timeAsync(() => sampleFromView(view.value, { n: N, seed: 1 }, hash));
  emit({
    step: 'snapshot',
    ms: round(snap.ms),
    patterns: snap.value.patterns.length,
    relations: snap.value.relations.length,
    client: afterSnapshot,
    neo4jRssMiB: neo4jRssMiB(),
  });
  const total = snap.ms + view.ms + memory.ms;
  emit({
    step: 'sample',
    mode: 'snapshot-then-sample',
    scenarios: memory.value.scenarios.length,
    buildViewMs: round(view.ms),
    sampleMs: round(memory.ms),
    totalMs: round(total),
    perSecondSamplingOnly: Math.round((memory.value.scenarios.length / memory.ms) * 1000),
    perSecondIncludingSnapshot: Math.round((memory.value.scenarios.length / total) * 1000),
    inDatabasePerSecond: Math.round((inDb.value.scenarios.length / inDb.ms) * 1000),
    sameScenarios: JSON.stringify(inDb.value) === JSON.stringify(memory.value),
    client: client(),
  });
} finally {
  await store.close();
  down();
  rmSync(path.join(dataDir, 'neo4j'), { recursive: true, force: true });
}
