/** psygraph prompt: compile one scenario (saved, from a file, or drafted from patterns) into a prompt. */
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { InvalidInputError, NotFoundError, type Scenario } from '../../../model/index.js';
import {
  PROMPT_FORMATS,
  type PromptFormat,
  draftScenario,
  formatItems,
  overBudgetWarnings,
  parseScenarioLine,
  receiptsText,
  renderPrompt,
} from '../../../prompt/index.js';
import type { GraphStore } from '../../../store/graph-store.js';
import { type CliContext, withStore } from '../../context.js';
import { parseNumberIn } from '../../options.js';
import { readScenarioFile } from '../../scenario-io.js';
import { type CompileFlags, addCompileOptions, fileExists, promptContext } from './compile.js';

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

export function registerPromptCommand(program: Command, ctx: CliContext): void {
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
}
