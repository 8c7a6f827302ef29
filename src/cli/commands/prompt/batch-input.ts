/** export-prompts' two reads before writing: check every scenario line, and resume an earlier run's output. */
import { createReadStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { jsonLines } from '../../../read-input.js';
import { InvalidInputError, type InputProblem } from '../../../model/index.js';
import {
  type BatchFormat,
  type PromptContext,
  checkBatchLine,
  createResumeScanner,
} from '../../../prompt/index.js';
import type { CliContext } from '../../context.js';
import { fileExists } from './compile.js';

/** Pass 1: check every line (so a bad line fails before anything is written) and count them. */
export async function checkBatch(file: string, pctx: PromptContext, format: BatchFormat): Promise<number> {
  const problems: InputProblem[] = [];
  let count = 0;
  for await (const { line, n } of jsonLines(file, '--scenarios')) {
    const checked = checkBatchLine(line, `${file}:${n}`, pctx, format);
    if ('problems' in checked) problems.push(...checked.problems);
    else count++;
  }
  if (problems.length)
    throw new InvalidInputError(`${problems.length} problem(s) in ${file}; nothing written`, problems);
  return count;
}

/** Reads what an earlier run wrote, cuts a torn tail, and returns the scenario ids already done. */
export async function prepareResume(out: string, format: BatchFormat, ctx: CliContext): Promise<Set<string>> {
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
