import type { z } from 'zod';
import type { InputProblem } from './errors.js';
import { isStoredOnce, relationId, slugify } from './ids.js';
import { FACETS, type Pattern, PatternSchema } from './pattern.js';
import { type Relation, RelationSchema, scopeOf } from './relation.js';
import { type Situation, SituationSchema } from './situation.js';
import { rubricStrength } from './strength.js';
import { type CompatibleVerdict, CompatibleVerdictSchema, checkTraitVerdicts } from './trait-matrix.js';

/** The whole graph as plain data: what the seed holds and what a store snapshot returns. */
export interface Catalog {
  patterns: Pattern[];
  relations: Relation[];
  situations: Situation[];
}

/** A parsed JSON file: its name (for messages) and its content, expected to be an array. */
export interface SourceFile {
  file: string;
  data: unknown;
}

export interface CatalogSources {
  patterns: SourceFile[];
  relations: SourceFile[];
  situations: SourceFile[];
  /** The reviewed compatible trait pairs; when present, every trait pair must have a verdict. */
  traitPairs?: SourceFile;
}

/** `[3].checklist[2].question` from a zod issue path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`))
    .join('')
    .replace(/^\./, '');
}

export function zodProblems(
  error: z.ZodError,
  file: string | undefined,
  prefix: PropertyKey[] = [],
): InputProblem[] {
  return error.issues.map((issue) => ({
    ...(file === undefined ? {} : { file }),
    path: jsonPath([...prefix, ...issue.path]) || '(root)',
    message: issue.message,
  }));
}

/** One line checked against `schema`; problems are located at `where` (file:line) and the JSON path. */
export function parseJsonLine<T>(
  line: string,
  where: string,
  schema: z.ZodType<T>,
): { value: T } | { problems: InputProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return {
      problems: [{ file: where, path: '(line)', message: `invalid JSON: ${(err as Error).message}` }],
    };
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { value: parsed.data } : { problems: zodProblems(parsed.error, where) };
}

interface Located<T> {
  value: T;
  file: string;
  path: string;
}

function parseEntries<T>(files: SourceFile[], schema: z.ZodType<T>, problems: InputProblem[]): Located<T>[] {
  const out: Located<T>[] = [];
  for (const { file, data } of files) {
    if (!Array.isArray(data)) {
      problems.push({ file, path: '(root)', message: 'must be a JSON array' });
      continue;
    }
    data.forEach((entry, index) => {
      const parsed = schema.safeParse(entry);
      if (parsed.success) out.push({ value: parsed.data, file, path: `[${index}]` });
      else problems.push(...zodProblems(parsed.error, file, [index]));
    });
  }
  return out;
}

function checkUniqueIds<T extends { id: string }>(
  items: Located<T>[],
  what: string,
  problems: InputProblem[],
) {
  const seen = new Map<string, Located<T>>();
  for (const item of items) {
    const first = seen.get(item.value.id);
    if (first) {
      problems.push({
        file: item.file,
        path: `${item.path}.id`,
        message: `duplicate ${what} id "${item.value.id}" (first defined in ${first.file} at ${first.path})`,
      });
    } else seen.set(item.value.id, item);
  }
}

function checkPatterns(patterns: Located<Pattern>[], problems: InputProblem[]) {
  const ids = new Set(patterns.map((p) => p.value.id));
  const checklistIds = new Map<string, string>();
  for (const { value: p, file, path } of patterns) {
    if (p.id !== slugify(p.name)) {
      problems.push({
        file,
        path: `${path}.id`,
        message: `id "${p.id}" should be "${slugify(p.name)}", the kebab-case of its name`,
      });
    }
    p.checklist.forEach((item, i) => {
      const expected = `${p.id}-${String(i + 1).padStart(2, '0')}`;
      if (item.id !== expected) {
        problems.push({
          file,
          path: `${path}.checklist[${i}].id`,
          message: `checklist id "${item.id}" should be "${expected}"`,
        });
      }
      const owner = checklistIds.get(item.id);
      if (owner && owner !== p.id) {
        problems.push({
          file,
          path: `${path}.checklist[${i}].id`,
          message: `checklist id "${item.id}" is also used by "${owner}"`,
        });
      }
      checklistIds.set(item.id, p.id);
    });
    if (p.kind === 'trait' && p.marker) {
      const facets: readonly string[] = FACETS[p.dimension];
      if (!facets.includes(p.marker.facet)) {
        problems.push({
          file,
          path: `${path}.marker.facet`,
          message: `"${p.marker.facet}" is not a facet of ${p.dimension} (${facets.join(', ')})`,
        });
      }
    }
    p.distinctFrom?.forEach((d, i) => {
      if (!ids.has(d.id)) {
        problems.push({ file, path: `${path}.distinctFrom[${i}].id`, message: `unknown pattern "${d.id}"` });
      } else if (d.id === p.id) {
        problems.push({
          file,
          path: `${path}.distinctFrom[${i}].id`,
          message: 'a pattern cannot be distinct from itself',
        });
      }
    });
  }
}

/** Ids declared in the raw files, including entries that failed the schema (to avoid cascades of "unknown"). */
function declaredIds(files: SourceFile[]): Set<string> {
  const ids = new Set<string>();
  for (const { data } of files) {
    if (!Array.isArray(data)) continue;
    for (const entry of data) {
      const id = (entry as { id?: unknown } | null)?.id;
      if (typeof id === 'string') ids.add(id);
    }
  }
  return ids;
}

function checkRelations(
  relations: Located<Relation>[],
  patterns: Map<string, Pattern>,
  declared: Set<string>,
  problems: InputProblem[],
) {
  const pairs = new Map<string, Located<Relation>>();
  for (const { value: r, file, path } of relations) {
    const at = (field: string, message: string) => problems.push({ file, path: `${path}.${field}`, message });
    const source = patterns.get(r.source);
    const target = patterns.get(r.target);
    if (!declared.has(r.source)) at('source', `unknown pattern "${r.source}"`);
    if (!declared.has(r.target)) at('target', `unknown pattern "${r.target}"`);
    if (r.source === r.target) at('target', `self loop: "${r.source}" cannot relate to itself`);
    if (isStoredOnce(r) && r.source > r.target) {
      at(
        'source',
        `${r.type === 'VARIANT_OF' ? 'a twin VARIANT_OF' : r.type} is symmetric and is stored once with source < target: swap "${r.source}" and "${r.target}"`,
      );
    }
    if ('strengthBasis' in r && r.strengthBasis) {
      const expected = rubricStrength(r.strengthBasis, r.evidence.status);
      if (Math.abs(r.strength - expected) > 1e-9) {
        at(
          'strength',
          `the rubric gives ${expected} for this strengthBasis and evidence (got ${r.strength})`,
        );
      }
    }
    if (r.evidence.status === 'established' && r.evidence.sources.length === 0) {
      at('evidence.sources', '"established" needs a named source (author, year, title, venue)');
    }
    const expectedId = relationId(r.type, r.source, r.target);
    if (r.id !== expectedId) at('id', `id "${r.id}" should be "${expectedId}"`);
    if (
      r.type === 'EXCLUDES' &&
      ((source && source.kind !== 'trait') || (target && target.kind !== 'trait'))
    ) {
      at('type', 'EXCLUDES joins two traits only (stable dispositions that cannot belong to one person)');
    }
    const [a, b] = isStoredOnce(r) ? [r.source, r.target].sort() : [r.source, r.target];
    const key = `${r.type}:${a}->${b}`;
    const first = pairs.get(key);
    if (first)
      at('id', `duplicate ${r.type} between "${a}" and "${b}" (also in ${first.file} at ${first.path})`);
    else pairs.set(key, { value: r, file, path });
  }
  checkPairRules(relations, problems);
}

/**
 * Rules across the relations of one pair: a `within` causal edge cannot join two traits that
 * EXCLUDE each other (no one character carries both), and near-twins (VARIANT_OF) cannot also
 * be joined by REINFORCES, which would count one construct as its own cause.
 */
function checkPairRules(relations: Located<Relation>[], problems: InputProblem[]) {
  const byPair = new Map<string, Located<Relation>[]>();
  for (const item of relations) {
    const key = [item.value.source, item.value.target].sort().join('|');
    byPair.set(key, [...(byPair.get(key) ?? []), item]);
  }
  for (const items of byPair.values()) {
    const excludes = items.find((i) => i.value.type === 'EXCLUDES');
    const variant = items.find((i) => i.value.type === 'VARIANT_OF');
    for (const { value: r, file, path } of items) {
      if (excludes && scopeOf(r) === 'within') {
        problems.push({
          file,
          path: `${path}.scope`,
          message: `"within" joins two traits that EXCLUDE each other (${excludes.value.id}); use "between" or remove the edge`,
        });
      }
      if (variant && r.type === 'REINFORCES') {
        problems.push({
          file,
          path: `${path}.type`,
          message: `${r.source} and ${r.target} are near-twins (${variant.value.id}): a REINFORCES between them counts one construct as its own cause`,
        });
      }
    }
  }
}

/**
 * Validates a whole catalog and reports every problem at once, each with its file and JSON path.
 * Returns the parsed catalog (entries that passed the schema) alongside the problems.
 */
export function validateCatalog(sources: CatalogSources): {
  catalog: Catalog;
  traitVerdicts?: CompatibleVerdict[];
  problems: InputProblem[];
} {
  const problems: InputProblem[] = [];
  const patterns = parseEntries(sources.patterns, PatternSchema, problems);
  const relations = parseEntries(sources.relations, RelationSchema, problems);
  const situations = parseEntries(sources.situations, SituationSchema, problems);

  checkUniqueIds(patterns, 'pattern', problems);
  checkUniqueIds(relations, 'relation', problems);
  checkUniqueIds(situations, 'situation', problems);
  checkPatterns(patterns, problems);
  checkRelations(
    relations,
    new Map(patterns.map((p) => [p.value.id, p.value])),
    declaredIds(sources.patterns),
    problems,
  );
  for (const { value: s, file, path } of situations) {
    if (s.id !== slugify(s.name)) {
      problems.push({ file, path: `${path}.id`, message: `id "${s.id}" should be "${slugify(s.name)}"` });
    }
  }

  const catalog = {
    patterns: patterns.map((p) => p.value),
    relations: relations.map((r) => r.value),
    situations: situations.map((s) => s.value),
  };
  if (!sources.traitPairs) return { catalog, problems };
  const verdicts = parseEntries([sources.traitPairs], CompatibleVerdictSchema, problems);
  problems.push(
    ...checkTraitVerdicts(verdicts, sources.traitPairs.file, catalog.patterns, catalog.relations),
  );
  return { catalog, traitVerdicts: verdicts.map((v) => v.value), problems };
}
