/** psygraph prompt / export-prompts / import-humanllm / export-humanllm. */
import { readInputText } from '../../read-input.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, open, readFile, stat, truncate } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import {
  type Catalog,
  InvalidInputError,
  type InputProblem,
  NotFoundError,
  type Scenario,
  type SourceFile,
} from '../../model/index.js';
import {
  BATCH_FORMATS,
  type BatchFormat,
  ENCODINGS,
  type Encoding,
  PROMPT_FORMATS,
  type PromptContext,
  type PromptFormat,
  batchLines,
  checkBatchLine,
  createPromptContext,
  createResumeScanner,
  draftScenario,
  exportHumanllm,
  formatItems,
  importHumanllm,
  overBudgetWarnings,
  parseScenarioLine,
  receiptsText,
  renderPrompt,
  resolveTemplates,
} from '../../prompt/index.js';
import type { GraphStore } from '../../store/graph-store.js';
import { type CliContext, withStore } from '../context.js';
import { parseNumberIn } from '../options.js';
import { readScenarioFile, toJsonl, writeFileAtomic } from '../scenario-io.js';

interface CompileFlags {
  budget?: number;
  encoding: Encoding;
  templates?: string;
}

async function readJson(file: string, flag: string): Promise<unknown> {
  const text = await readInputText(file, flag);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidInputError(`${flag}: ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

async function promptContext(catalog: Catalog, flags: CompileFlags): Promise<PromptContext> {
  const templates = flags.templates
    ? resolveTemplates(await readJson(flags.templates, '--templates'), flags.templates)
    : undefined;
  return createPromptContext(catalog, { encoding: flags.encoding, ...(templates ? { templates } : {}) });
}

function addCompileOptions(command: Command): Command {
  return command
    .option(
      '--budget <tokens>',
      'token budget: shorten pattern texts to fit',
      parseNumberIn('--budget', 1, 1e7, true),
    )
    .addOption(
      new Option('--encoding <name>', 'tokenizer for counts').choices(ENCODINGS).default('o200k_base'),
    )
    .option('--templates <file>', 'JSON file overriding any part of the prompt templates');
}

const fileExists = (file: string) =>
  stat(file).then(
    (s) => s.isFile(),
    () => false,
  );

/** `--scenario`: FILE.jsonl:LINE (one line), FILE.jsonl (every scenario), or a saved scenario's id. */
async function scenariosFor(ref: string, store: GraphStore): Promise<Scenario[]> {
  const withLine = /^(.*):(\d+)$/.exec(ref);
  if (withLine && (await fileExists(withLine[1]!))) {
    const [, file, n] = withLine as unknown as [string, string, string];
    const line = (await readFile(file, 'utf8')).split('\n')[Number(n) - 1];
    if (!line?.trim()) throw new InvalidInputError(`--scenario: ${file} has no scenario on line ${n}`);
    const parsed = parseScenarioLine(line, `${file}:${n}`);
    if ('problems' in parsed)
      throw new InvalidInputError(`--scenario: ${file}:${n} is not a valid scenario`, parsed.problems);
    return [parsed.scenario];
  }
  if (await fileExists(ref)) return readScenarioFile(ref);
  const saved = await store.getScenario(ref);
  if (!saved) throw new NotFoundError(`--scenario: no saved scenario "${ref}" and no file of that name`);
  return [saved];
}

interface PromptFlags extends CompileFlags {
  scenario?: string;
  patterns?: string[];
  situation?: string;
  characters?: number;
  seed: number;
  format: PromptFormat;
  character?: string;
  receipt?: boolean;
  json?: boolean;
  jsonl?: boolean;
}

async function runPrompt(flags: PromptFlags, cmd: Command, ctx: CliContext) {
  if (!flags.scenario === !flags.patterns)
    throw new InvalidInputError(
      'give either --scenario <id|file.jsonl[:line]> or --patterns a,b,c (not both)',
    );
  if (flags.patterns && !flags.situation)
    throw new InvalidInputError('--situation is required with --patterns');
  if (flags.character !== undefined && flags.format !== 'roleplay')
    throw new InvalidInputError('--character applies to --format roleplay only');
  await withStore(cmd, ctx, async (store) => {
    const catalog = await store.snapshot();
    const scenarios = flags.scenario
      ? await scenariosFor(flags.scenario, store)
      : [
          draftScenario(catalog, {
            patterns: flags.patterns!,
            situation: flags.situation!,
            seed: flags.seed,
            ...(flags.characters ? { characters: flags.characters } : {}),
          }),
        ];
    const pctx = await promptContext(catalog, flags);
    const options = {
      ...(flags.budget ? { budget: flags.budget } : {}),
      ...(flags.character !== undefined ? { character: flags.character } : {}),
    };
    const items = scenarios.flatMap((s) => renderPrompt(s, pctx, flags.format, options));
    ctx.io.out(formatItems(items, flags.format, flags.json ? 'json' : flags.jsonl ? 'jsonl' : 'text'));
    if (flags.receipt) ctx.io.err(receiptsText(items));
    for (const warning of overBudgetWarnings(items)) ctx.io.err(warning);
  });
}

async function* scenarioLines(file: string): AsyncGenerator<{ line: string; n: number }> {
  const input = createReadStream(file, 'utf8');
  let n = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      n++;
      if (line.trim()) yield { line, n };
    }
  } catch (err) {
    throw new InvalidInputError(
      `--scenarios: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
}

/** Pass 1: check every line (so a bad line fails before anything is written) and count them. */
async function checkBatch(file: string, pctx: PromptContext, format: BatchFormat): Promise<number> {
  const problems: InputProblem[] = [];
  let count = 0;
  for await (const { line, n } of scenarioLines(file)) {
    const checked = checkBatchLine(line, `${file}:${n}`, pctx, format);
    if ('problems' in checked) problems.push(...checked.problems);
    else count++;
  }
  if (problems.length)
    throw new InvalidInputError(`${problems.length} problem(s) in ${file}; nothing written`, problems);
  return count;
}

/** Reads what an earlier run wrote, cuts a torn tail, and returns the scenario ids already done. */
async function prepareResume(out: string, format: BatchFormat, ctx: CliContext): Promise<Set<string>> {
  if (!(await fileExists(out))) return new Set();
  const scanner = createResumeScanner(out, format);
  for await (const line of createInterface({ input: createReadStream(out, 'utf8'), crlfDelay: Infinity }))
    scanner.add(line);
  const { size } = await stat(out);
  let lastByte = '\n';
  if (size) {
    const handle = await open(out, 'r');
    const buffer = Buffer.alloc(1);
    await handle.read(buffer, 0, 1, size - 1);
    await handle.close();
    lastByte = buffer.toString();
  }
  const plan = scanner.finish(lastByte === '\n');
  if (plan.keepBytes < size) {
    await truncate(out, plan.keepBytes);
    ctx.io.err(
      `psygraph: dropped ${plan.dropped} incomplete line(s) at the end of ${out}${plan.torn ? ' (torn by an interrupted run)' : ''}`,
    );
  }
  return plan.done;
}

interface ExportFlags extends CompileFlags {
  scenarios: string;
  format: BatchFormat;
  out: string;
}

async function runExportPrompts(flags: ExportFlags, cmd: Command, ctx: CliContext) {
  const catalog = await withStore(cmd, ctx, (store) => store.snapshot());
  const pctx = await promptContext(catalog, flags);
  const total = await checkBatch(flags.scenarios, pctx, flags.format);
  const done = await prepareResume(flags.out, flags.format, ctx);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'prompts [{bar}] {value}/{total} {eta_formatted}' },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const skipped = done.size;
  bar?.start(total, 0);
  try {
    await appendFile(flags.out, '');
  } catch (err) {
    throw new InvalidInputError(
      `--out: cannot write ${flags.out}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  const output = createWriteStream(flags.out, { flags: 'a', highWaterMark: 1 << 20 });
  // a write failing between awaits (a full disk) is kept here and rethrown below, not left uncaught
  let writeError: unknown;
  output.on('error', (err) => (writeError ??= err));
  let written = 0;
  let lines = 0;
  let overBudget = 0;
  try {
    let position = 0;
    for await (const { line } of scenarioLines(flags.scenarios)) {
      const parsed = parseScenarioLine(line, flags.scenarios);
      bar?.update(++position);
      if (!('scenario' in parsed) || done.has(parsed.scenario.id)) continue;
      const items = renderPrompt(
        parsed.scenario,
        pctx,
        flags.format,
        flags.budget ? { budget: flags.budget } : {},
      );
      const text = batchLines(items, flags.format);
      if (!output.write(text.join('\n') + '\n')) await once(output, 'drain');
      done.add(parsed.scenario.id);
      written++;
      lines += text.length;
      overBudget += items.filter((i) => i.receipt.overBudget).length;
    }
  } finally {
    bar?.stop();
    if (!writeError) {
      output.end();
      await once(output, 'finish');
    }
  }
  if (writeError) throw writeError;
  ctx.io.err(
    `wrote ${lines} line(s) for ${written} scenario(s) to ${flags.out}${skipped ? `; ${skipped} already there, skipped` : ''}`,
  );
  if (overBudget)
    ctx.io.err(
      `psygraph: warning: ${overBudget} prompt(s) are over the budget of ${flags.budget} tokens (see their receipts)`,
    );
}

export function registerPromptCommands(program: Command, ctx: CliContext): void {
  addCompileOptions(
    program
      .command('prompt')
      .description('compile a scenario into a graph-grounded prompt (markdown, openai, sharegpt or roleplay)')
      .option('--scenario <ref>', 'a saved scenario id, or FILE.jsonl[:LINE]')
      .option('--patterns <ids>', 'build a draft from these pattern ids (comma-separated)', (v: string) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .option('--situation <id>', 'the draft’s situation (with --patterns)')
      .option(
        '--characters <n>',
        'characters in the draft (default 2)',
        parseNumberIn('--characters', 1, 8, true),
      )
      .option('--seed <n>', 'seed for the draft’s cast', parseNumberIn('--seed', 0, 2 ** 32 - 1, true), 1)
      .addOption(new Option('--format <name>', 'output format').choices(PROMPT_FORMATS).default('markdown'))
      .option('--character <name|index>', 'roleplay: the character to play (0 = protagonist)'),
  )
    .option('--receipt', 'also print the receipt JSON to stderr')
    .option('--json', 'print {prompt|messages, receipt} as JSON')
    .option('--jsonl', 'one JSON line per prompt ({"messages": […]} for openai)')
    .action((flags: PromptFlags, cmd: Command) => runPrompt(flags, cmd, ctx));

  addCompileOptions(
    program
      .command('export-prompts')
      .description('compile a scenario file into JSON lines, streaming; re-run to resume after a crash')
      .requiredOption('--scenarios <file>', 'JSON lines of scenarios')
      .addOption(new Option('--format <name>', 'output format').choices(BATCH_FORMATS).default('markdown'))
      .requiredOption('--out <file>', 'JSON lines output (appended; ids already there are skipped)'),
  ).action((flags: ExportFlags, cmd: Command) => runExportPrompts(flags, cmd, ctx));

  program
    .command('import-humanllm <files...>')
    .description('import HumanLLM files: scenario splits, patterns_data.json, pattern_level_checklist.json')
    .option('--out <file>', 'write the imported scenarios as JSON lines')
    .option('--reference-out <file>', 'write their pattern texts and checklists, keyed by our ids, as JSON')
    .option('--save', 'store the imported scenarios')
    .action(
      async (
        files: string[],
        flags: { out?: string; referenceOut?: string; save?: boolean },
        cmd: Command,
      ) => {
        const sources: SourceFile[] = [];
        for (const file of files) sources.push({ file, data: await readJson(file, 'import-humanllm') });
        await withStore(cmd, ctx, async (store) => {
          const imported = importHumanllm(sources, await store.snapshot());
          if (flags.out) await writeFileAtomic(flags.out, toJsonl(imported.scenarios));
          if (flags.referenceOut) {
            const reference = { patterns: imported.patternTexts, checklists: imported.patternChecklists };
            await writeFileAtomic(flags.referenceOut, JSON.stringify(reference, null, 2) + '\n');
          }
          if (flags.save) await store.saveScenarios(imported.scenarios);
          ctx.io.err(
            `imported ${imported.scenarios.length} scenario(s), ${imported.patternTexts.length} pattern text(s), ${imported.patternChecklists.length} pattern checklist(s) from ${files.length} file(s)`,
          );
        });
      },
    );

  program
    .command('export-humanllm')
    .description('write scenarios in the HumanLLM sample shape (a JSON array)')
    .option('--scenarios <file>', 'JSON lines of scenarios (default: the saved scenarios)')
    .option('--out <file>', 'output file (default: stdout)')
    .action(async (flags: { scenarios?: string; out?: string }, cmd: Command) => {
      const fromFile = flags.scenarios ? await readScenarioFile(flags.scenarios) : undefined;
      const samples = await withStore(cmd, ctx, async (store) =>
        exportHumanllm(fromFile ?? (await store.listScenarios()), await store.snapshot()),
      );
      const text = JSON.stringify(samples, null, 2) + '\n';
      if (flags.out) await writeFileAtomic(flags.out, text);
      else ctx.io.out(text.trimEnd());
    });
}
