import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Catalog,
  type SourceFile,
  InvalidInputError,
  type InputProblem,
  validateCatalog,
} from '../model/index.js';

/** The catalog shipped with psygraph (`seed/` at the package root). */
export const SHIPPED_SEED_DIR = fileURLToPath(new URL('../../seed', import.meta.url));

/** Where a seed directory keeps each part. */
export const SEED_LAYOUT = {
  patterns: 'patterns',
  relations: 'relations',
  situations: 'situations.json',
} as const;

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

async function readJsonFile(file: string, problems: InputProblem[]): Promise<SourceFile | undefined> {
  const shown = displayPath(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    problems.push({
      file: shown,
      path: '(file)',
      message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? err}`,
    });
    return undefined;
  }
  try {
    return { file: shown, data: JSON.parse(text) as unknown };
  } catch (err) {
    problems.push({ file: shown, path: '(file)', message: `invalid JSON: ${(err as Error).message}` });
    return undefined;
  }
}

async function readJsonDir(dir: string, problems: InputProblem[]): Promise<SourceFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const files = await Promise.all(names.map((n) => readJsonFile(path.join(dir, n), problems)));
  return files.filter((f): f is SourceFile => f !== undefined);
}

/**
 * Reads and validates a seed directory. Every problem (unreadable file, bad JSON, schema, ids,
 * endpoints) is collected; if there is any, throws one InvalidInputError listing them all.
 */
export async function loadSeed(dir: string = SHIPPED_SEED_DIR): Promise<Catalog> {
  const { catalog, problems } = await checkSeed(dir);
  if (problems.length) {
    throw new InvalidInputError(`${problems.length} problem(s) in seed ${displayPath(dir)}`, problems);
  }
  return catalog;
}

export async function checkSeed(dir: string): Promise<{ catalog: Catalog; problems: InputProblem[] }> {
  const problems: InputProblem[] = [];
  const [patterns, relations, situationsFile] = await Promise.all([
    readJsonDir(path.join(dir, SEED_LAYOUT.patterns), problems),
    readJsonDir(path.join(dir, SEED_LAYOUT.relations), problems),
    readJsonFile(path.join(dir, SEED_LAYOUT.situations), problems),
  ]);
  if (patterns.length === 0 && !problems.length) {
    problems.push({
      file: displayPath(path.join(dir, SEED_LAYOUT.patterns)),
      path: '(dir)',
      message: 'no pattern files (*.json) found',
    });
  }
  const result = validateCatalog({ patterns, relations, situations: situationsFile ? [situationsFile] : [] });
  return { catalog: result.catalog, problems: [...problems, ...result.problems] };
}
