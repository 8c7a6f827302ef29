/** psygraph prompt: compile one scenario (saved, from a file, or drafted from patterns) into a prompt. */
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { InvalidInputError, NotFoundError, type Scenario } from '../../../model/index.js';
import {
  PROMPT_FORMATS,
  type PromptFormat,
  formatItems,
  overBudgetWarnings,
  parseScenarioLine,
  receiptsText,
} from '../../../prompt/index.js';
import { PROMPT, SEED } from '../../../contract/limits.js';
import { parseContract } from '../../../contract/parse.js';
import { type PromptInput, PromptRequestSchema, compilePrompts, draftFor } from '../../../contract/prompt.js';
import { helpOf } from '../../flags.js';
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
  seed?: number;
  format: PromptFormat;
  character?: string;
  receipt?: boolean;
  json?: boolean;
  jsonl?: boolean;
}

/** The flags as the prompt contract's fields; `--scenario` (an id or a file) stands in `scenarioId`. */
function promptInput(flags: PromptFlags): PromptInput {
  const { scenario, patterns, situation, characters, seed, format, budget, encoding, character } = flags;
  const fields = {
    scenarioId: scenario,
    patterns,
    situation,
    characters,
    seed,
    format,
    budget,
    encoding,
    character,
  };
  return parseContract(
    PromptRequestSchema,
    Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    'flags',
  );
}

async function runPrompt(flags: PromptFlags, cmd: Command, ctx: CliContext) {
  const input = promptInput(flags);
  await withStore(cmd, ctx, async (store) => {
    const catalog = await store.snapshot();
    const scenarios = flags.scenario ? await scenariosFor(flags.scenario, store) : [draftFor(catalog, input)];
    const pctx = await promptContext(catalog, flags);
    const items = compilePrompts(scenarios, pctx, input);
    ctx.io.out(formatItems(items, flags.format, flags.json ? 'json' : flags.jsonl ? 'jsonl' : 'text'));
    if (flags.receipt) ctx.io.err(receiptsText(items));
    for (const warning of overBudgetWarnings(items)) ctx.io.err(warning);
  });
}

const help = (key: string) => helpOf(PromptRequestSchema, key);

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
        help('characters'),
        parseNumberIn('--characters', PROMPT.characters.min, PROMPT.characters.max, true),
      )
      .option('--seed <n>', help('seed'), parseNumberIn('--seed', SEED.min, SEED.max, true))
      .addOption(new Option('--format <name>', 'output format').choices(PROMPT_FORMATS).default('markdown'))
      .option('--character <name|index>', 'roleplay: the character to play (0 = protagonist)'),
  )
    .option('--receipt', 'also print the receipt JSON to stderr')
    .option('--json', 'print {prompt|messages, receipt} as JSON')
    .option('--jsonl', 'one JSON line per prompt ({"messages": […]} for openai)')
    .action((flags: PromptFlags, cmd: Command) => runPrompt(flags, cmd, ctx));
}
