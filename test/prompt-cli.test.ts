/**
 * psygraph prompt and export-prompts, run as the built binary: prompts from a pattern list or a
 * scenario file, flag errors naming the flag, and a batch export that resumes after a crash.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../src/model/index.js';
import { syntheticCatalog } from '../src/sample/synthetic.js';
import { miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

let dir: string;
let cleanup: () => Promise<void>;
let miniSeed: string;
let bigSeed: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  miniSeed = await writeSeedDir(path.join(dir, 'mini'), miniCatalog());
  bigSeed = await writeSeedDir(path.join(dir, 'big'), syntheticCatalog(80, 8, 5));
});
afterAll(() => cleanup());

const mini = (...args: string[]) =>
  runCli(['--seed-dir', miniSeed, ...args], { PSYGRAPH_DATA_DIR: path.join(dir, 'mini-data') });
const big = (...args: string[]) =>
  runCli(['--seed-dir', bigSeed, ...args], { PSYGRAPH_DATA_DIR: path.join(dir, 'big-data') });

const draft = ['prompt', '--patterns', 'talkative,spotlight-effect,insecure', '--situation', 'adversity'];

describe('psygraph prompt', () => {
  it('compiles a draft from --patterns into a Markdown prompt, with the receipt on request', async () => {
    const { code, stdout, stderr } = await mini(...draft, '--receipt');
    expect(code).toBe(0);
    for (const heading of [
      '## Task',
      '## Patterns',
      '## How the patterns interact',
      '## Situation',
      '## Cast',
      '## Expected dynamics',
      '## Output format',
    ])
      expect(stdout).toContain(heading);
    expect(stdout).toMatch(
      /spotlight effect MODULATES talkative \(0\.\d\d, (within one person|one person's on another's|within or between people)\)/,
    );
    expect(stdout).toMatch(
      /insecure REINFORCES spotlight effect \(0\.\d\d, (within one person|one person's on another's|within or between people)\)/,
    );
    const receipt = JSON.parse(stderr);
    expect(receipt.encoding).toBe('o200k_base');
    expect(Object.values(receipt.sections as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(
      receipt.total,
    );
  });

  it('prints OpenAI messages, as one fine-tuning line with --jsonl, and JSON with the receipt', async () => {
    const jsonl = await mini(...draft, '--format', 'openai', '--jsonl', '--encoding', 'cl100k_base');
    const line = JSON.parse(jsonl.stdout);
    expect(Object.keys(line)).toEqual(['messages']);
    expect(line.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    const json = JSON.parse((await mini(...draft, '--json')).stdout);
    expect(json.prompt).toContain('## Task');
    expect(json.receipt.promptHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('prints a role-play system prompt for the character asked for', async () => {
    const { code, stdout } = await mini(...draft, '--format', 'roleplay', '--character', '1');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^You are Supporting character 1\./);
    expect(stdout).toContain('==Requirements==');
  });

  it('compiles anyway over budget, with a warning and exit 0', async () => {
    const { code, stdout, stderr } = await mini(...draft, '--budget', '50', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).receipt.overBudget).toBe(true);
    expect(stderr).toMatch(/warning: .* over the budget of 50/);
  });

  it('reads a scenario from a file line or from the store', async () => {
    const file = path.join(dir, 'one.jsonl');
    expect(
      (await mini('sample', '-n', '3', '--seed', '4', '--situation', 'adversity', '--out', file)).code,
    ).toBe(0);
    const second = JSON.parse((await readFile(file, 'utf8')).split('\n')[1]!) as Scenario;
    const fromLine = JSON.parse((await mini('prompt', '--scenario', `${file}:2`, '--json')).stdout);
    expect(fromLine.id).toBe(second.id);
    const saved = await mini(
      'sample',
      '-n',
      '1',
      '--seed',
      '9',
      '--situation',
      'adversity',
      '--save',
      '--jsonl',
    );
    const id = (JSON.parse(saved.stdout) as Scenario).id;
    const fromStore = JSON.parse((await mini('prompt', '--scenario', id, '--json')).stdout);
    expect(fromStore.id).toBe(id);
  });

  it.each([
    [['--format', 'xml'], /--format.*'xml' is invalid/],
    [['--budget', '0'], /--budget must be an integer from 1/],
    [['--budget', 'lots'], /--budget must be an integer/],
    [['--encoding', 'gpt2'], /--encoding.*'gpt2' is invalid/],
    [['--character', 'Maya'], /--character applies to --format roleplay only/],
    [['--templates', '/nonexistent/t.json'], /--templates: cannot read/],
    [['--format', 'sharegpt'], /scenario [0-9a-f]+ has no conversation/],
    [
      ['--format', 'roleplay', '--character', 'Zed'],
      /--character: scenario [0-9a-f]+ has no character "Zed"/,
    ],
  ])('exits 2 naming the flag for %j', async (args, message) => {
    const { code, stderr } = await mini(...draft, ...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it.each([
    [
      ['prompt', '--patterns', 'talkative,ghost', '--situation', 'adversity'],
      /--patterns: unknown pattern "ghost"/,
    ],
    [['prompt', '--patterns', 'talkative'], /--situation is required with --patterns/],
    [
      ['prompt', '--patterns', 'talkative', '--situation', 'the-moon'],
      /--situation: unknown situation "the-moon"/,
    ],
    [['prompt'], /give either --scenario/],
    [['prompt', '--scenario', 'no-such-id'], /--scenario: no saved scenario "no-such-id"/],
  ])('exits 2 naming the flag for %j', async (args, message) => {
    const { code, stderr } = await mini(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('psygraph export-prompts', () => {
  let batch: string;
  let scenes: string;
  beforeAll(async () => {
    batch = path.join(dir, 'batch.jsonl');
    expect(
      (await big('sample', '-n', '120', '--seed', '3', '--characters', '1-3', '--out', batch)).code,
    ).toBe(0);
    // the same scenarios, "written": every character speaks, so ShareGPT has one record each
    const lines = (await readFile(batch, 'utf8')).trim().split('\n');
    scenes = path.join(dir, 'scenes.jsonl');
    const withTalk = lines.map((l) => {
      const s = JSON.parse(l) as Scenario;
      const labels = s.characters.map((c, i) => (i === 0 ? 'Protagonist' : `Supporting character ${i}`));
      const order = [...labels.slice(1), labels[0]!];
      const conversation = order.map((who, k) => ({ char: who, content: `[thought ${k}] (acts) line ${k}` }));
      return JSON.stringify({ ...s, conversation });
    });
    await writeFile(scenes, withTalk.join('\n') + '\n');
  });

  /** Cuts a finished export after `keep` lines plus half of the next, as a crash mid-write would. */
  async function crashAfter(full: string, keep: number, file: string) {
    const lines = full.split('\n');
    await writeFile(file, lines.slice(0, keep).join('\n') + '\n' + lines[keep]!.slice(0, 40));
  }

  it.each([
    ['markdown', 'batch', 120, 57],
    ['openai', 'batch', 120, 33],
    ['sharegpt', 'scenes', undefined, 41],
  ] as const)(
    'writes %s lines and resumes after a crash with nothing lost or doubled',
    async (format, input, count, keep) => {
      const source = input === 'batch' ? batch : scenes;
      const exportTo = (out: string) =>
        big('export-prompts', '--scenarios', source, '--format', format, '--out', out, '--budget', '400');
      const reference = path.join(dir, `${format}-full.jsonl`);
      const first = await exportTo(reference);
      expect(first.code).toBe(0);
      const full = await readFile(reference, 'utf8');
      const lines = full
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      if (count) expect(lines).toHaveLength(count);
      for (const l of lines) {
        expect(l.receipt.budget).toBe(400);
        if (format === 'markdown') expect(typeof l.prompt).toBe('string');
        if (format === 'openai') expect(l.messages).toHaveLength(2);
        if (format === 'sharegpt') expect(l.conversations.at(-1).from).toBe('gpt');
      }

      const crashed = path.join(dir, `${format}-crashed.jsonl`);
      await crashAfter(full, keep, crashed);
      const resumed = await exportTo(crashed);
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toMatch(/dropped \d+ incomplete line\(s\).*torn/);
      expect(await readFile(crashed, 'utf8')).toBe(full);

      // a run over a finished output adds nothing
      const again = await exportTo(crashed);
      expect(again.stderr).toMatch(/wrote 0 line\(s\) for 0 scenario\(s\)/);
      expect(await readFile(crashed, 'utf8')).toBe(full);
    },
  );

  it('drops the records of a ShareGPT scenario cut off between its records', async () => {
    const reference = path.join(dir, 'sharegpt-full.jsonl');
    const full = await readFile(reference, 'utf8');
    const lines = full.trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as { id: string; records: number });
    // the first scenario with 2+ records: keep only its first record (whole, with its newline)
    const at = parsed.findIndex((l, i) => l.records > 1 && (i === 0 || parsed[i - 1]!.id !== l.id));
    const crashed = path.join(dir, 'sharegpt-between.jsonl');
    await writeFile(crashed, lines.slice(0, at + 1).join('\n') + '\n');
    const resumed = await big(
      'export-prompts',
      '--scenarios',
      scenes,
      '--format',
      'sharegpt',
      '--out',
      crashed,
      '--budget',
      '400',
    );
    expect(resumed.code).toBe(0);
    expect(await readFile(crashed, 'utf8')).toBe(full);
  });

  it('rejects a bad scenario line before writing anything, naming file, line and field', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    const first = (await readFile(batch, 'utf8')).split('\n')[0]!;
    await writeFile(bad, `${first}\n{"id": "x", "patterns": []}\n`);
    const out = path.join(dir, 'never.jsonl');
    const { code, stderr } = await big('export-prompts', '--scenarios', bad, '--out', out);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.jsonl:2: patterns/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses ShareGPT for drafts, naming the scenario, and an output of another format', async () => {
    const out = path.join(dir, 'drafts-sharegpt.jsonl');
    const drafts = await big('export-prompts', '--scenarios', batch, '--format', 'sharegpt', '--out', out);
    expect(drafts.code).toBe(2);
    expect(drafts.stderr).toMatch(/scenario [0-9a-f]+ has no conversation/);
    expect(existsSync(out)).toBe(false);
    const other = await big(
      'export-prompts',
      '--scenarios',
      batch,
      '--format',
      'openai',
      '--out',
      path.join(dir, 'markdown-full.jsonl'),
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/not a openai export line/);
  });

  it.each([
    [['--format', 'roleplay'], /--format.*'roleplay' is invalid/],
    [['--budget', '-1'], /--budget must be an integer/],
  ])('exits 2 naming the flag for %j', async (args, message) => {
    const { code, stderr } = await big(
      'export-prompts',
      '--scenarios',
      batch,
      '--out',
      path.join(dir, 'x.jsonl'),
      ...args,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
