import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphHash } from '../src/model/index.js';
import { CLI, runCli } from './helpers/cli.js';
import { makeRelation, miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => Promise<void>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const seedDir = await writeSeedDir(path.join(dir, 'seed'), miniCatalog());
  env = { PSYGRAPH_DATA_DIR: path.join(dir, 'data') };
  env.SEED = seedDir;
});
afterAll(() => cleanup());

const cli = (...args: string[]) => runCli(['--seed-dir', env.SEED!, ...args], env);

describe('psygraph CLI on a seed', () => {
  it('stats --json prints counts, counts by type and the graph hash', async () => {
    const { code, stdout } = await cli('stats', '--json');
    expect(code).toBe(0);
    const c = miniCatalog();
    expect(JSON.parse(stdout)).toEqual({
      patterns: 6,
      relations: 6,
      byType: { REINFORCES: 3, CONFLICTS: 1, MODULATES: 1, EXCLUDES: 1, VARIANT_OF: 0 },
      situations: 2,
      scenarios: 0,
      graphHash: graphHash(c.patterns, c.relations),
    });
  });

  it('patterns filters by kind and search, as JSON and JSON lines', async () => {
    const traits = JSON.parse((await cli('patterns', '--kind', 'trait', '--json')).stdout) as {
      id: string;
    }[];
    expect(traits.map((p) => p.id)).toEqual(['insecure', 'quiet', 'talkative']);
    const lines = (await cli('patterns', '--search', 'chatty', '--jsonl')).stdout.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['talkative']);
  });

  it('pattern <id> shows the pattern readably, with neighbours by type', async () => {
    const { code, stdout } = await cli('pattern', 'talkative');
    expect(code).toBe(0);
    expect(stdout).toContain('talkative  (talkative)');
    expect(stdout).toContain('Checklist (12)');
    expect(stdout).toMatch(/MODULATES \(1\)\n\s+<- spotlight-effect \(0\.60\) \[suppresses when:/);
    expect(stdout).toMatch(/EXCLUDES \(1\)\n\s+-- quiet/);
  });

  it('relations filters by type, pattern and strength', async () => {
    const { stdout } = await cli('relations', '--type', 'reinforces', '--pattern', 'insecure', '--json');
    expect((JSON.parse(stdout) as { id: string }[]).map((r) => r.id)).toEqual([
      'insecure--REINFORCES--conformity',
      'insecure--REINFORCES--spotlight-effect',
    ]);
  });

  it('situations --json lists the situations', async () => {
    const { stdout } = await cli('situations', '--json');
    expect((JSON.parse(stdout) as { id: string }[]).map((s) => s.id)).toEqual([
      'adversity',
      'home-and-private-life',
    ]);
  });

  it.each([
    [['pattern', 'no-such-thing'], /unknown pattern "no-such-thing"/],
    [['relations', '--type', 'LIKES'], /--type must be one of REINFORCES, CONFLICTS, MODULATES, EXCLUDES/],
    [['relations', '--min-strength', '2'], /--min-strength must be a number from 0 to 1/],
    [['relations', '--pattern', 'ghost'], /--pattern: unknown pattern "ghost"/],
    [['patterns', '--kind', 'mood'], /--kind/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['--store', 'sqlite', 'stats'], /--store must be one of memory, neo4j/],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('exits 2 naming the variable for a bad NEO4J_MAX_RETRY_MS', async () => {
    const { code, stderr } = await runCli(['--store', 'neo4j', 'stats'], { NEO4J_MAX_RETRY_MS: 'soon' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/NEO4J_MAX_RETRY_MS must be a whole number of milliseconds/);
  });
});

describe('psygraph validate', () => {
  it('exits 0 on a good seed', async () => {
    const { code, stdout } = await runCli(['validate', env.SEED!]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ok: 6 patterns, 6 relations, 2 situations/);
  });

  it('lists every mistake with file and JSON path, and exits 2', async () => {
    const bad = miniCatalog();
    bad.relations.push(makeRelation('REINFORCES', 'talkative', 'ghost-pattern'));
    bad.patterns.push({ ...bad.patterns[0]! }); // duplicate id
    delete (bad.patterns[1] as Partial<(typeof bad.patterns)[number]>).definition; // missing field
    (bad.patterns[2] as { pole: string }).pole = 'plus'; // wrong enum
    const seedDir = await writeSeedDir(path.join(dir, 'bad-seed'), bad);
    await writeFile(path.join(seedDir, 'relations', 'broken.json'), '[{"id": ');
    const { code, stderr } = await runCli(['validate', seedDir]);
    expect(code).toBe(2);
    const file = (name: string) => path.join(seedDir, name);
    expect(stderr).toContain(`${file('relations/all.json')}: [6].target: unknown pattern "ghost-pattern"`);
    expect(stderr).toContain(`${file('patterns/all.json')}: [6].id: duplicate pattern id "talkative"`);
    expect(stderr).toContain(`${file('patterns/all.json')}: [1].definition:`);
    expect(stderr).toContain(`${file('patterns/all.json')}: [2].pole:`);
    expect(stderr).toContain(`${file('relations/broken.json')}: (file): invalid JSON`);
    expect(stderr).toMatch(/5 problem\(s\) found/);
  });

  it('--json reports the problems as data', async () => {
    const { code, stdout } = await runCli(['validate', path.join(dir, 'bad-seed'), '--json']);
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as { ok: boolean; problems: unknown[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(5);
  });
});

describe('a closed stdout', () => {
  it.each([
    ['relations', '--json'],
    ['sample', '-n', '300', '--seed', '7', '--jsonl'],
    ['analyze', '--json'],
  ])('ends `psygraph %s …` quietly with status 0 when the reader goes away', async (...args) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, PSYGRAPH_STORE: '', PSYGRAPH_DATA_DIR: '.psygraph/never-written' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // like `| head -c 10`: read a little, then close the pipe
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});
