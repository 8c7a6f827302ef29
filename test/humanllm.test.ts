/**
 * HumanLLM interchange on fixtures written in the release's schema (test/fixtures/humanllm/):
 * tolerant of its variations, strict about damage, and lossless through import → export → import.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, ScenarioSchema, type SourceFile } from '../src/model/index.js';
import {
  checklistItems,
  createPromptContext,
  exportHumanllm,
  importHumanllm,
  sharegptRecords,
} from '../src/prompt/index.js';
import { miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/humanllm/', import.meta.url));
const fixture = (name: string) => path.join(FIXTURES, name);
const catalog = miniCatalog();

async function source(name: string): Promise<SourceFile> {
  return { file: name, data: JSON.parse(await readFile(fixture(name), 'utf8')) as unknown };
}

describe('importHumanllm', () => {
  it('imports a split file, tolerating pattern as a string, numbered checklists and missing fields', async () => {
    const { scenarios } = importHumanllm([await source('split/train.json')], catalog);
    expect(scenarios).toHaveLength(3);
    for (const s of scenarios) expect(ScenarioSchema.safeParse(s).success).toBe(true);
    const [maya, lena, priya] = scenarios as [
      (typeof scenarios)[0],
      (typeof scenarios)[0],
      (typeof scenarios)[0],
    ];

    expect(maya.patterns).toEqual(['insecure', 'spotlight-effect', 'talkative']);
    expect(maya.situation).toBe('adversity');
    expect(maya.strategy).toBe('manual');
    expect(maya.characters).toEqual([
      { role: 'protagonist', patterns: ['spotlight-effect', 'talkative'], name: 'Maya' },
      { role: 'supporting', patterns: ['insecure'], name: 'Owen' },
    ]);
    expect(maya.relations).toEqual([
      'insecure--REINFORCES--spotlight-effect',
      'spotlight-effect--MODULATES--talkative',
    ]);
    expect(maya.motif).toBe('modulated-edge');
    expect(maya.conversation_checklist).toEqual({
      Maya: ['Talks fast to fill silence', 'Freezes when watched'],
      Owen: ['Seeks reassurance that the show will go well'],
    });
    expect(maya.storyBackground).toMatch(/local radio station/);

    // single-pattern path: a string pattern, no char2pattern, one checklist string
    expect(lena.patterns).toEqual(['conformity']);
    expect(lena.situation).toBe('home-and-private-life');
    expect(lena.characters).toEqual([{ role: 'protagonist', patterns: ['conformity'], name: 'Lena' }]);
    expect(lena.conversation_checklist).toEqual({
      Lena: ['Goes along with the family plan', 'Hides her own preference'],
    });

    // a character who carries no pattern (Theo) speaks but is not in the cast
    expect(priya.characters.map((c) => c.name)).toEqual(['Priya', 'Sam']);
    expect(priya.conversation?.some((t) => t.char === 'Theo')).toBe(true);
  });

  it('round-trips: import → export → import gives the same scenarios', async () => {
    const first = importHumanllm([await source('split/train.json')], catalog).scenarios;
    const exported = exportHumanllm(first, catalog);
    // through JSON text, as a file would carry it
    const again = importHumanllm(
      [{ file: 'exported.json', data: JSON.parse(JSON.stringify(exported)) }],
      catalog,
    );
    expect(again.scenarios).toEqual(first);
    expect(exported[0]!.conversation_checklist!.Maya).toEqual([
      '1. Talks fast to fill silence',
      '2. Freezes when watched',
    ]);
    expect(exported[0]!.situation).toBe('Adversity: Threats or criticism.');
  });

  it('imports pattern texts and pattern-level checklists, mapped to our ids', async () => {
    const out = importHumanllm(
      [await source('patterns_data.json'), await source('pattern_level_checklist.json')],
      catalog,
    );
    expect(out.scenarios).toEqual([]);
    expect(out.patternTexts.map((p) => p.id)).toEqual(['talkative', 'spotlight-effect', 'loss-aversion']);
    expect(out.patternTexts[0]!.sources).toHaveLength(1);
    expect(out.patternChecklists.map((c) => c.id)).toEqual(['spotlight-effect', 'talkative']);
    expect(out.patternChecklists[0]!.items[0]).toEqual({
      question: 'Overestimates how much others notice a flaw?',
      evidenceStatus: 'supported',
    });
    expect(out.patternChecklists[1]!.items.map((i) => i.question)).toEqual([
      'Speaks at length without being prompted?',
      'Fills pauses in conversation?',
    ]);
  });

  it('rejects a damaged file naming every record and field, and imports nothing', async () => {
    const files = [await source('split/train.json'), await source('damaged/train.json')];
    let error: unknown;
    try {
      importHumanllm(files, catalog);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const problems = (error as InvalidInputError).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
    expect(problems).toEqual([
      expect.stringMatching(/^damaged\/train\.json: \[0\]\.pattern\[1\]: unknown pattern "telepathic"/),
      expect.stringMatching(/^damaged\/train\.json: \[1\]\.situation: /),
      expect.stringMatching(/^damaged\/train\.json: \[2\]\.conversation: /),
    ]);
  });

  it('reads checklist strings however they are numbered', () => {
    expect(checklistItems('1. A; 2. B;3. C')).toEqual(['A', 'B', 'C']);
    expect(checklistItems(['1) A', 'B', ' 12. C '])).toEqual(['A', 'B', 'C']);
  });

  it('gives ShareGPT records for an imported scene without the other characters’ thoughts', async () => {
    const [maya] = importHumanllm([await source('split/train.json')], catalog).scenarios;
    const items = sharegptRecords(maya!, createPromptContext(catalog));
    expect(items.map((i) => i.character)).toEqual(['Maya', 'Owen']);
    const mayaRecord = items[0]!.record;
    expect(mayaRecord.system).toMatch(/^You are Maya\./);
    expect(mayaRecord.system).toContain('==About Maya==');
    expect(mayaRecord.system).toContain('a chatty science teacher');
    expect(mayaRecord.system).toContain("==Maya's Perception of Others==");
    expect(mayaRecord.system).toContain('==Current Scenario==');
    expect(mayaRecord.system).toContain('==Requirements==');
    const human = mayaRecord.conversations.filter((t) => t.from === 'human').map((t) => t.value);
    expect(human.join('\n')).not.toMatch(/Owen-thought/);
    expect(human[0]).toBe('Owen: (Glances at the clock) Live in five.');
    const gpt = mayaRecord.conversations.filter((t) => t.from === 'gpt').map((t) => t.value);
    expect(gpt[0]).toContain("[They'll see my hands shake. Maya-thought-1.]");
  });
});

describe('psygraph import-humanllm / export-humanllm', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let seedDir: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    seedDir = await writeSeedDir(path.join(dir, 'seed'), catalog);
  });
  afterAll(() => cleanup());
  const cli = (...args: string[]) =>
    runCli(['--seed-dir', seedDir, ...args], { PSYGRAPH_DATA_DIR: path.join(dir, 'data') });

  it('imports fixtures to scenario lines and exports them back in the HumanLLM shape', async () => {
    const out = path.join(dir, 'imported.jsonl');
    const ref = path.join(dir, 'reference.json');
    const imported = await cli(
      'import-humanllm',
      fixture('split/train.json'),
      fixture('patterns_data.json'),
      fixture('pattern_level_checklist.json'),
      '--out',
      out,
      '--reference-out',
      ref,
    );
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('imported 3 scenario(s), 3 pattern text(s), 2 pattern checklist(s)');
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(3);
    const reference = JSON.parse(await readFile(ref, 'utf8'));
    expect(reference.patterns).toHaveLength(3);

    const exportedFile = path.join(dir, 'exported.json');
    expect((await cli('export-humanllm', '--scenarios', out, '--out', exportedFile)).code).toBe(0);
    const samples = JSON.parse(await readFile(exportedFile, 'utf8'));
    expect(samples[0].protagonist).toBe('Maya');
    expect(samples[0].char2pattern).toEqual({ Maya: ['spotlight effect', 'talkative'], Owen: ['insecure'] });

    const again = path.join(dir, 'again.jsonl');
    expect((await cli('import-humanllm', exportedFile, '--out', again)).code).toBe(0);
    expect(await readFile(again, 'utf8')).toBe(await readFile(out, 'utf8'));
  });

  it('exits 2 on a damaged file, naming record and field, and writes nothing', async () => {
    const out = path.join(dir, 'never.jsonl');
    const { code, stderr } = await cli(
      'import-humanllm',
      fixture('split/train.json'),
      fixture('damaged/train.json'),
      '--out',
      out,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/\[1\]\.situation/);
    expect(stderr).toMatch(/\[0\]\.pattern\[1\]: unknown pattern "telepathic"/);
    expect(existsSync(out)).toBe(false);
  });
});
