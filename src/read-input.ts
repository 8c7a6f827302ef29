import { readFile } from 'node:fs/promises';
import { InvalidInputError } from './model/index.js';

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
