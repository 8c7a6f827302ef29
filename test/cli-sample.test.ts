import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../src/model/index.js';
import { syntheticCatalog } from '../src/sample/synthetic.js';
import { writeSeedDir } from './helpers/catalog.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => Promise<void>;
let seedDir: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  seedDir = await writeSeedDir(path.join(dir, 'seed'), syntheticCatalog(80, 8, 5));
});
afterAll(() => cleanup());

const cli = (...args: string[]) =>
  runCli(['--seed-dir', seedDir, ...args], { PSYGRAPH_DATA_DIR: path.join(dir, 'data') });

describe('psygraph sample', () => {
  it('prints valid scenario drafts as JSON lines, the same for the same seed', async () => {
    const a = await cli('sample', '-n', '25', '--seed', '7', '--jsonl');
    expect(a.code).toBe(0);
    const lines = a.stdout.trim().split('\n');
    expect(lines).toHaveLength(25);
    for (const l of lines) expect(ScenarioSchema.safeParse(JSON.parse(l)).success).toBe(true);
    const b = await cli('sample', '-n', '25', '--seed', '7', '--jsonl');
    expect(b.stdout).toBe(a.stdout);
    expect(a.stderr).toMatch(/25 scenario\(s\)/);
  });

  it('saves scenarios and never saves the same one twice', async () => {
    const first = await cli('sample', '-n', '15', '--save', '--strategy', 'coverage');
    expect(first.stderr).toContain('saved 15 scenario(s)');
    const second = await cli('sample', '-n', '15', '--save', '--strategy', 'coverage');
    expect(second.stderr).toContain('saved 15 scenario(s)');
    const stats = JSON.parse((await cli('stats', '--json')).stdout);
    expect(stats.scenarios).toBe(30);
  });

  it.each([
    [['--size', '9'], /--size must be N or MIN-MAX within 2-8/],
    [['--include', 'ghost'], /--include: unknown pattern "ghost"/],
    [['--include', 'p00000,p00001', '--characters', '1'], /EXCLUDE each other and cannot share a character/],
    [['--types', 'likes'], /--types must be one of REINFORCES, CONFLICTS, MODULATES/],
    [['--situation', 'the-moon'], /unknown situation "the-moon"/],
    [['--motifs', 'spiral=1', '--strategy', 'motif'], /--motifs takes name=share pairs/],
  ])('exits 2 with a reason for %j', async (args, message) => {
    const { code, stderr } = await cli('sample', '-n', '5', ...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('psygraph coverage and split', () => {
  it('reports coverage of a scenario file', async () => {
    const file = path.join(dir, 'batch.jsonl');
    expect((await cli('sample', '-n', '200', '--strategy', 'coverage', '--out', file)).code).toBe(0);
    const report = JSON.parse((await cli('coverage', '--scenarios', file, '--json')).stdout);
    expect(report.scenarios).toBe(200);
    expect(report.patterns.covered).toBe(80);
  });

  it('splits a scenario file into HumanLLM-style sets with metadata', async () => {
    const file = path.join(dir, 'batch.jsonl');
    const out = path.join(dir, 'split');
    const { code, stdout } = await cli('split', '--scenarios', file, '--by', 'patterns', '--out', out);
    expect(code).toBe(0);
    const counts = JSON.parse(stdout);
    expect(counts.train + counts.id_eval + counts.ood_eval + counts.mixed_eval).toBe(200);
    const meta = JSON.parse(await readFile(path.join(out, 'metadata.json'), 'utf8'));
    expect(meta.oodPatterns).toHaveLength(8);
  });

  it('rejects a damaged scenario file, naming the line and field', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    await writeFile(bad, '{"id": "x"}\nnot json\n');
    const { code, stderr } = await cli('coverage', '--scenarios', bad);
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad}:1: patterns:`);
    expect(stderr).toContain(`${bad}:2: (line): invalid JSON`);
  });
});
