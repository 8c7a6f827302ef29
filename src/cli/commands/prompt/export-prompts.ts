/** psygraph export-prompts: compile a scenario file into JSON lines, streaming, resumable. */
import { createWriteStream } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { once } from 'node:events';
import { type Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { InvalidInputError } from '../../../model/index.js';
import {
  BATCH_FORMATS,
  type BatchFormat,
  batchLines,
  parseScenarioLine,
  renderPrompt,
} from '../../../prompt/index.js';
import { type CliContext, withStore } from '../../context.js';
import { jsonLines } from '../../../read-input.js';
import { checkBatch, prepareResume } from './batch-input.js';
import { type CompileFlags, addCompileOptions, promptContext } from './compile.js';

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
    for await (const { line } of jsonLines(flags.scenarios, '--scenarios')) {
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

export function registerExportPromptsCommand(program: Command, ctx: CliContext): void {
  addCompileOptions(
    program
      .command('export-prompts')
      .description('compile a scenario file into JSON lines, streaming; re-run to resume after a crash')
      .requiredOption('--scenarios <file>', 'JSON lines of scenarios')
      .addOption(new Option('--format <name>', 'output format').choices(BATCH_FORMATS).default('markdown'))
      .requiredOption('--out <file>', 'JSON lines output (appended; ids already there are skipped)'),
  ).action((flags: ExportFlags, cmd: Command) => runExportPrompts(flags, cmd, ctx));
}
