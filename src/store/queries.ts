/**
 * Filtering, grouping and checks shared by the stores: one definition of what a filter means,
 * so both backends answer the same question the same way.
 */
import {
  type Catalog,
  InvalidInputError,
  type InputProblem,
  NotFoundError,
  type Pattern,
  PatternSchema,
  RELATION_TYPES,
  isStoredOnce,
  type Relation,
  RelationSchema,
  type RelationType,
  type Scenario,
  ScenarioSchema,
  type Situation,
  SituationSchema,
  graphHash,
  validateCatalog,
  zodProblems,
} from '../model/index.js';
import type {
  GraphStats,
  Neighbour,
  PatternFilter,
  PatternNeighbourhood,
  RelationFilter,
  ScenarioFilter,
} from './graph-store.js';
import type { z } from 'zod';

export const byId = <T extends { id: string }>(a: T, b: T): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

export function matchesPattern(p: Pattern, filter: PatternFilter = {}): boolean {
  if (filter.kind && p.kind !== filter.kind) return false;
  if (filter.search) {
    const q = filter.search.toLowerCase();
    const hay = [p.id, p.name, ...(p.aliases ?? [])];
    if (!hay.some((h) => h.toLowerCase().includes(q))) return false;
  }
  return true;
}

export function relationTypes(filter: RelationFilter): ReadonlySet<RelationType> | undefined {
  if (!filter.type) return undefined;
  return new Set(typeof filter.type === 'string' ? [filter.type] : filter.type);
}

export function matchesRelation(r: Relation, filter: RelationFilter = {}): boolean {
  const types = relationTypes(filter);
  if (types && !types.has(r.type)) return false;
  if (filter.pattern && r.source !== filter.pattern && r.target !== filter.pattern) return false;
  if (filter.minStrength !== undefined && r.strength < filter.minStrength) return false;
  return true;
}

export function matchesScenario(s: Scenario, filter: ScenarioFilter = {}): boolean {
  if (filter.pattern && !s.patterns.includes(filter.pattern)) return false;
  if (filter.situation && s.situation !== filter.situation) return false;
  return true;
}

export function emptyByType<T>(make: () => T): Record<RelationType, T> {
  return Object.fromEntries(RELATION_TYPES.map((t) => [t, make()])) as Record<RelationType, T>;
}

/** Hash per catalog object: the memory store keeps one object until the graph changes. */
const hashes = new WeakMap<Catalog, string>();

export function computeStats(catalog: Catalog, scenarios: number): GraphStats {
  const byType = emptyByType(() => 0);
  for (const r of catalog.relations) byType[r.type] += 1;
  return {
    patterns: catalog.patterns.length,
    relations: catalog.relations.length,
    byType,
    situations: catalog.situations.length,
    scenarios,
    graphHash: cachedHash(catalog),
  };
}

/** The catalog's content hash, computed once per catalog object. */
export function cachedHash(catalog: Catalog): string {
  let hash = hashes.get(catalog);
  if (hash === undefined) {
    hash = graphHash(catalog.patterns, catalog.relations);
    hashes.set(catalog, hash);
  }
  return hash;
}

export function neighbourhoodOf(
  pattern: Pattern,
  relations: readonly Relation[],
  patterns: ReadonlyMap<string, Pick<Pattern, 'id' | 'name' | 'kind'>>,
): PatternNeighbourhood {
  const neighbours = emptyByType<Neighbour[]>(() => []);
  for (const relation of [...relations].sort(byId)) {
    const out = relation.source === pattern.id;
    const other = patterns.get(out ? relation.target : relation.source);
    if (!other) continue;
    const symmetric = isStoredOnce(relation);
    neighbours[relation.type].push({
      direction: symmetric ? 'both' : out ? 'out' : 'in',
      relation,
      pattern: { id: other.id, name: other.name, kind: other.kind },
    });
  }
  return { pattern, neighbours };
}

export function notFound(what: string, id: string): NotFoundError {
  return new NotFoundError(`unknown ${what} "${id}"`);
}

/** Parses every item with the schema; throws one InvalidInputError naming each bad item's path. */
export function parseAll<T>(items: readonly unknown[], schema: z.ZodType<T>, what: string): T[] {
  const problems: InputProblem[] = [];
  const out: T[] = [];
  items.forEach((item, i) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.push(parsed.data);
    else problems.push(...zodProblems(parsed.error, what, [i]));
  });
  if (problems.length)
    throw new InvalidInputError(`invalid ${what}: ${problems.length} problem(s)`, problems);
  return out;
}

export const parsePatterns = (items: readonly unknown[]): Pattern[] =>
  parseAll(items, PatternSchema, 'patterns');
export const parseRelations = (items: readonly unknown[]): Relation[] =>
  parseAll(items, RelationSchema, 'relations');
export const parseSituations = (items: readonly unknown[]): Situation[] =>
  parseAll(items, SituationSchema, 'situations');
export const parseScenarios = (items: readonly unknown[]): Scenario[] =>
  parseAll(items, ScenarioSchema, 'scenarios');

/**
 * Checks a write against the current graph with the same rules as the seed validator (ids
 * canonical, endpoints present, symmetric types stored once, no duplicates). Paths in the
 * problems point into the written items. Throws InvalidInputError listing every problem.
 */
export function assertWriteFits(write: Partial<Catalog>, current: Catalog): void {
  const keep = <T extends { id: string }>(items: T[], replaced: readonly T[] | undefined): T[] => {
    const ids = new Set((replaced ?? []).map((x) => x.id));
    return items.filter((x) => !ids.has(x.id));
  };
  const patterns = write.patterns ?? [];
  const { problems } = validateCatalog({
    patterns: [
      { file: 'patterns', data: patterns },
      { file: '(stored patterns)', data: keep(current.patterns, patterns) },
    ],
    relations: write.relations ? [{ file: 'relations', data: write.relations }] : [],
    situations: write.situations ? [{ file: 'situations', data: write.situations }] : [],
  });
  const own = problems.filter((p) => p.file !== '(stored patterns)');
  if (own.length) throw new InvalidInputError(`invalid write: ${own.length} problem(s)`, own);
}
