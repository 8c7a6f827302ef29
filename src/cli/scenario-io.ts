/** Reading and writing scenario files (JSON lines), validated line by line, written atomically. */
import { readInputText } from '../read-input.js';
import { rename, writeFile } from 'node:fs/promises';
import {
  InvalidInputError,
  type InputProblem,
  type Scenario,
  ScenarioSchema,
  zodProblems,
} from '../model/index.js';

export async function readScenarioFile(file: string): Promise<Scenario[]> {
  const text = await readInputText(file, '--scenarios');
  const problems: InputProblem[] = [];
  const scenarios: Scenario[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push({ file: where, path: '(line)', message: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    const parsed = ScenarioSchema.safeParse(value);
    if (parsed.success) scenarios.push(parsed.data);
    else problems.push(...zodProblems(parsed.error, where));
  });
  if (problems.length) throw new InvalidInputError(`${problems.length} problem(s) in ${file}`, problems);
  return scenarios;
}

export function toJsonl(items: readonly unknown[]): string {
  return items.map((i) => JSON.stringify(i)).join('\n') + (items.length ? '\n' : '');
}

/** Writes the whole file or nothing: a temp file renamed over the target. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
