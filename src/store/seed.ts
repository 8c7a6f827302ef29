import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Catalog,
  type CompatibleVerdict,
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
  traitPairs: 'trait-pairs.json',
} as const;

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

async function readJsonFile(
  file: string,
  problems: InputProblem[],
  optional = false,
): Promise<SourceFile | undefined> {
  const shown = displayPath(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
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

/**
 * The reviewed compatible trait pairs of a seed directory (`trait-pairs.json`), validated with the
 * rest of the seed; an empty list when the seed has no such file.
 */
export async function loadTraitVerdicts(dir: string = SHIPPED_SEED_DIR): Promise<CompatibleVerdict[]> {
  const { traitVerdicts, problems } = await checkSeed(dir);
  if (problems.length) {
    throw new InvalidInputError(`${problems.length} problem(s) in seed ${displayPath(dir)}`, problems);
  }
  return traitVerdicts ?? [];
}

export async function checkSeed(
  dir: string,
): Promise<{ catalog: Catalog; traitVerdicts?: CompatibleVerdict[]; problems: InputProblem[] }> {
  const problems: InputProblem[] = [];
  const [patterns, relations, situationsFile, traitPairs] = await Promise.all([
    readJsonDir(path.join(dir, SEED_LAYOUT.patterns), problems),
    readJsonDir(path.join(dir, SEED_LAYOUT.relations), problems),
    readJsonFile(path.join(dir, SEED_LAYOUT.situations), problems),
    readJsonFile(path.join(dir, SEED_LAYOUT.traitPairs), problems, true),
  ]);
  if (patterns.length === 0 && !problems.length) {
    problems.push({
      file: displayPath(path.join(dir, SEED_LAYOUT.patterns)),
      path: '(dir)',
      message: 'no pattern files (*.json) found',
    });
  }
  const result = validateCatalog({
    patterns,
    relations,
    situations: situationsFile ? [situationsFile] : [],
    ...(traitPairs ? { traitPairs } : {}),
  });
  return { ...result, problems: [...problems, ...result.problems] };
}
