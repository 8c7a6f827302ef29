/** Reading and writing scenario files (JSON lines), validated line by line, written atomically. */
import { rename, writeFile } from 'node:fs/promises';
import { type Scenario, ScenarioSchema } from '../model/index.js';
import { readJsonLines } from '../read-input.js';

/** A scenario file (JSON lines), every line checked. */
export function readScenarioFile(file: string): Promise<Scenario[]> {
  return readJsonLines(file, '--scenarios', ScenarioSchema);
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
