/** Reading the files a user names: whole text files, and JSON-lines files line by line. */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { type InputProblem, InvalidInputError, parseJsonLine } from './model/index.js';

/** Reads a file a user named with `flag`; a failure is the caller's, and says which flag and why. */
export async function readInputText(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new InvalidInputError(
      `${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
}

/**
 * A JSON file that may not be there yet (a file psygraph itself wrote: a data file, a state file):
 * undefined when it does not exist, else its parsed value. Text that is not JSON throws the error
 * `invalid` makes of the parser's reason, since each caller says whose fault that is.
 */
export async function readJsonIfExists(file: string, invalid: (reason: string) => Error): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalid((err as Error).message);
  }
}

/** A JSON-lines file's non-blank lines, streamed, with their line numbers (1-based). */
export async function* jsonLines(file: string, flag: string): AsyncGenerator<{ line: string; n: number }> {
  const input = createReadStream(file, 'utf8');
  let n = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      n++;
      if (line.trim()) yield { line, n };
    }
  } catch (err) {
    throw new InvalidInputError(
      `${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
}

/**
 * The one reader of JSON-lines input files: every line validated, and every bad line reported
 * (file:line and JSON path) before anything is used.
 */
export async function readJsonLines<T>(file: string, flag: string, schema: z.ZodType<T>): Promise<T[]> {
  const items: T[] = [];
  const problems: InputProblem[] = [];
  for await (const { line, n } of jsonLines(file, flag)) {
    const parsed = parseJsonLine(line, `${file}:${n}`, schema);
    if ('value' in parsed) items.push(parsed.value);
    else problems.push(...parsed.problems);
  }
  if (problems.length)
    throw new InvalidInputError(`${flag}: ${problems.length} problem(s) in ${file}`, problems);
  return items;
}
