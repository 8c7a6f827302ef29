// npm run bench (part): the embedded store (SQLite) at a million saved scenarios. Loads
// 1,000,000 synthetic drafts, measures, adds 100,000 written scenarios (15-20 kB each: scene,
// profiles, analysis, 16 turns, checklist), measures again. One JSON line per measurement with
// its target beside it. The data directory lives in the OS temp dir and is removed at the end.
// Env: PSYGRAPH_BENCH_DRAFTS, PSYGRAPH_BENCH_WRITTEN override the counts (for a quick run).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSeed } from '../dist/store/seed.js';
import { MemoryStore } from '../dist/store/memory-store.js';
import { createRandom } from '../dist/sample/random.js';

const DRAFTS = Number(process.env.PSYGRAPH_BENCH_DRAFTS ?? 1_000_000);
const WRITTEN = Number(process.env.PSYGRAPH_BENCH_WRITTEN ?? 100_000);
const TARGET_MS = { save: 5, list: 20, stats: 50, open: 500 };

const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
const emit = (record) =>
  console.log(JSON.stringify({ bench: 'store-scale', backend: 'memory (sqlite)', ...record, machine }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
async function timeAsync(fn) {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

const seed = await loadSeed();
const patternIds = seed.patterns.map((p) => p.id);
const situationIds = seed.situations.map((s) => s.id);
// the sampler's own seeded generator, so every run stores the same data
const random = createRandom(17);
const pick = (xs) => xs[Math.floor(random() * xs.length)];
const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const WORDS =
  'the a she he they said felt wanted never always again why because but and so not quite sure tonight home work'.split(
    ' ',
  );
const text = (chars) => {
  let s = '';
  while (s.length < chars) s += pick(WORDS) + ' ';
  return s.slice(0, chars);
};

function draft(tag) {
  const n = 2 + Math.floor(random() * 3);
  const patterns = [...new Set(Array.from({ length: n }, () => pick(patternIds)))];
  return {
    id: `${tag}-${hex(16)}`,
    patterns,
    relations: [],
    motif: null,
    situation: pick(situationIds),
    characters: [
      { role: 'protagonist', patterns: patterns.slice(0, 1) },
      { role: 'supporting', patterns: patterns.slice(1) },
    ],
    strategy: 'walk',
    seed: Math.floor(random() * 1e9),
    graphHash: 'bench',
  };
}

/** A draft with everything synthesis adds: 15-20 kB as JSON. */
function written(tag) {
  const s = draft(tag);
  const names = ['Ana', 'Ben'];
  s.characters = s.characters.map((c, i) => ({ ...c, name: names[i] }));
  const turns = 16;
  const budget = 15_000 + Math.floor(random() * 5_000) - 3_200; // the rest: scene, profiles, analysis
  return {
    ...s,
    storyBackground: text(800),
    charactersProfiles: Object.fromEntries(
      names.map((n) => [n, { background: text(500), traits: [text(40)] }]),
    ),
    analysis: text(900),
    conversation: Array.from({ length: turns }, (_, i) => ({
      char: names[i % 2],
      content: text(Math.floor(budget / turns)),
    })),
    conversation_checklist: Object.fromEntries(names.map((n) => [n, [text(60), text(60), text(60)]])),
    provenance: {
      model: 'bench-model',
      promptHash: hex(16),
      usage: { promptTokens: 3000, completionTokens: 4000 },
    },
  };
}

async function fileSizes(dir) {
  const size = async (f) => (await stat(path.join(dir, f)).catch(() => ({ size: 0 }))).size;
  const db = await size('psygraph.db');
  const wal = await size('psygraph.db-wal');
  return { dbMB: round(db / 2 ** 20, 1), walMB: round(wal / 2 ** 20, 1) };
}

/** Saves `count` scenarios through the store, `chunk` per call (one transaction each); times only the saves. */
async function load(store, count, make, tag, chunk) {
  let ms = 0;
  for (let done = 0; done < count; done += chunk) {
    const batch = Array.from({ length: Math.min(chunk, count - done) }, () => make(tag));
    ms += (await timeAsync(() => store.saveScenarios(batch))).ms;
  }
  return { chunk, loadS: round(ms / 1000, 1), perSecond: Math.round((count / ms) * 1000) };
}

const CLI = fileURLToPath(new URL('../dist/cli/index.js', import.meta.url));

/** `psygraph sample -n 1 --save` as a user runs it: a fresh process each time (median of 3). */
function cliSampleSave(dataDir) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(
      process.execPath,
      [CLI, '--data-dir', dataDir, 'sample', '-n', '1', '--seed', String(1000 + i), '--save'],
      {
        env: { ...process.env, PSYGRAPH_STORE: 'memory' },
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`psygraph sample --save failed: ${r.stderr}`);
    runs.push(performance.now() - t);
  }
  return Math.round(median(runs));
}

/** Save, get, list, stats, open: medians over repeated calls, with the target beside each. */
async function measure(dataDir, store, make, label) {
  const ids = (await store.listScenarios({ limit: 2000 })).map((s) => s.id);
  const save = [];
  for (let i = 0; i < 50; i++) save.push((await timeAsync(() => store.saveScenarios([make('probe')]))).ms);
  // the same with PSYGRAPH_DB_SYNC=full: one fsync per commit
  const full = await MemoryStore.open({ dataDir, sync: 'full' });
  const saveFull = [];
  for (let i = 0; i < 50; i++) saveFull.push((await timeAsync(() => full.saveScenarios([make('probe')]))).ms);
  await full.close();
  const get = [];
  for (let i = 0; i < 300; i++) get.push((await timeAsync(() => store.getScenario(pick(ids)))).ms);
  const list = [];
  let listed = 0;
  for (let i = 0; i < 50; i++) {
    const r = await timeAsync(() => store.listScenarios({ pattern: pick(patternIds), limit: 100 }));
    list.push(r.ms);
    listed += r.value.length;
  }
  const stats = [];
  let scenarios = 0;
  for (let i = 0; i < 20; i++) {
    const r = await timeAsync(() => store.stats());
    stats.push(r.ms);
    scenarios = r.value.scenarios;
  }
  await store.close();
  const cliSampleSaveMs = cliSampleSave(dataDir);
  const open = [];
  let reopened;
  for (let i = 0; i < 5; i++) {
    const r = await timeAsync(async () => {
      const s = await MemoryStore.open({ dataDir });
      await s.stats(); // the first answer, not only the handle
      return s;
    });
    open.push(r.ms);
    if (i < 4) await r.value.close();
    else reopened = r.value;
  }
  emit({
    scenarios,
    payload: label,
    medianMs: {
      saveOne: round(median(save)),
      saveOneSyncFull: round(median(saveFull)),
      getById: round(median(get), 3),
      listByPatternLimit100: round(median(list)),
      stats: round(median(stats), 3),
      openAndFirstStats: round(median(open)),
    },
    targetMs: {
      saveOne: TARGET_MS.save,
      listByPatternLimit100: TARGET_MS.list,
      stats: TARGET_MS.stats,
      openAndFirstStats: TARGET_MS.open,
    },
    cliSampleOneSaveMs: cliSampleSaveMs,
    cliSampleOneSaveEmptyStoreMs: cliOnEmpty,
    meanListed: round(listed / 50, 1),
    file: await fileSizes(dataDir),
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
  });
  return reopened;
}

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'psygraph-bench-store-'));
let cliOnEmpty;
try {
  // the comparison for the CLI figure: the same command on an empty data directory
  cliOnEmpty = cliSampleSave(path.join(dataDir, 'empty'));
  let store = await MemoryStore.open({ dataDir });
  const drafts = await load(store, DRAFTS, draft, 'd', 20_000);
  emit({
    phase: 'load drafts',
    count: DRAFTS,
    ...drafts,
    note: 'saveScenarios in chunks, one transaction each',
  });
  store = await measure(dataDir, store, draft, 'drafts (~0.5 kB)');
  const big = await load(store, WRITTEN, written, 'w', 2_000);
  emit({
    phase: 'load written',
    count: WRITTEN,
    ...big,
    bytesEach: JSON.stringify(written('x')).length,
  });
  store = await measure(dataDir, store, written, `+${WRITTEN} written (15-20 kB)`);
  await store.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
