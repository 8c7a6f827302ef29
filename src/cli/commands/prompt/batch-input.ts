/** export-prompts' two reads before writing: check every scenario line, and resume an earlier run's output. */
import { jsonLines } from '../../../read-input.js';
import { InvalidInputError, type InputProblem } from '../../../model/index.js';
import {
  type BatchFormat,
  type PromptContext,
  checkBatchLine,
  exportLineGroup,
} from '../../../prompt/index.js';
import { resumeOutput } from '../../../resume.js';
import type { CliContext } from '../../context.js';

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
  const plan = await resumeOutput(out, '--out', exportLineGroup(format));
  if (plan.dropped)
    ctx.io.err(
      `psygraph: dropped ${plan.dropped} incomplete line(s) at the end of ${out}${plan.torn ? ' (torn by an interrupted run)' : ''}`,
    );
  return plan.done;
}
