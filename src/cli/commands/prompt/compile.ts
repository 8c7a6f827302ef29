/** The compile flags shared by prompt and export-prompts, and the small readers behind them. */
import { readInputText } from '../../../read-input.js';
import { stat } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { type Catalog, InvalidInputError } from '../../../model/index.js';
import {
  ENCODINGS,
  type Encoding,
  type PromptContext,
  createPromptContext,
  resolveTemplates,
} from '../../../prompt/index.js';
import { PROMPT } from '../../../contract/limits.js';
import { parseNumberIn } from '../../options.js';

export interface CompileFlags {
  budget?: number;
  encoding: Encoding;
  templates?: string;
}

export async function readJson(file: string, flag: string): Promise<unknown> {
  const text = await readInputText(file, flag);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidInputError(`${flag}: ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function promptContext(catalog: Catalog, flags: CompileFlags): Promise<PromptContext> {
  const templates = flags.templates
    ? resolveTemplates(await readJson(flags.templates, '--templates'), flags.templates)
    : undefined;
  return createPromptContext(catalog, { encoding: flags.encoding, ...(templates ? { templates } : {}) });
}

export function addCompileOptions(command: Command): Command {
  return command
    .option(
      '--budget <tokens>',
      'token budget: shorten pattern texts to fit',
      parseNumberIn('--budget', PROMPT.budget.min, PROMPT.budget.max, true),
    )
    .addOption(
      new Option('--encoding <name>', 'tokenizer for counts').choices(ENCODINGS).default('o200k_base'),
    )
    .option('--templates <file>', 'JSON file overriding any part of the prompt templates');
}

export const fileExists = (file: string) =>
  stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
