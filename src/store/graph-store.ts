import type { IdLookup } from '../sample/options.js';
import type {
  Annotation,
  AnnotationFilter,
  AnnotationSetInput,
  AnnotationSetSummary,
  Judgement,
  SaveAnnotationsResult,
  SaveSetResult,
  StoredAnnotationSet,
} from './annotations.js';
import type {
  Catalog,
  Pattern,
  PatternGraph,
  PatternKind,
  Relation,
  RelationType,
  Scenario,
  Situation,
} from '../model/index.js';

export interface PatternFilter {
  kind?: PatternKind;
  /** Case-insensitive substring of the id, name or an alias. */
  search?: string;
}

export interface RelationFilter {
  type?: RelationType | readonly RelationType[];
  /** Relations that touch this pattern, either end. */
  pattern?: string;
  minStrength?: number;
}

export interface ScenarioFilter {
  pattern?: string;
  situation?: string;
  limit?: number;
}

/** A neighbour of a pattern through one relation. `both` marks a symmetric relation. */
export interface Neighbour {
  direction: 'out' | 'in' | 'both';
  relation: Relation;
  pattern: Pick<Pattern, 'id' | 'name' | 'kind'>;
}

export interface PatternNeighbourhood {
  pattern: Pattern;
  neighbours: Record<RelationType, Neighbour[]>;
}

export interface GraphStats {
  patterns: number;
  relations: number;
  byType: Record<RelationType, number>;
  situations: number;
  scenarios: number;
  graphHash: string;
}

export interface SaveOptions {
  replace?: boolean;
}

export interface SaveResult {
  /** Ids newly stored. */
  saved: string[];
  /** Ids that were already in the store (left unchanged). */
  existing: string[];
}

export interface ReplaceOptions {
  /** Also remove patterns, relations and situations that the new catalog no longer has. */
  prune?: boolean;
}

export interface ReplaceResult {
  patterns: number;
  relations: number;
  situations: number;
  removed: { patterns: number; relations: number; situations: number };
}

/**
 * The one storage contract of psygraph. `MemoryStore` (graphology + JSON files) and `Neo4jStore`
 * implement it; `test/store-contract.ts` is the conformance suite both must pass.
 * Every method validates its input and throws InvalidInputError / NotFoundError on bad input.
 */
export interface GraphStore {
  readonly backend: 'memory' | 'neo4j';

  // Reads
  listPatterns(filter?: PatternFilter): Promise<Pattern[]>;
  getPattern(id: string): Promise<Pattern | undefined>;
  /** The pattern with its neighbours grouped by relation type; NotFoundError if unknown. */
  getNeighbourhood(id: string): Promise<PatternNeighbourhood>;
  listRelations(filter?: RelationFilter): Promise<Relation[]>;
  listSituations(): Promise<Situation[]>;
  stats(): Promise<GraphStats>;
  /** Patterns, relations and situations as plain data, sorted by id. */
  snapshot(): Promise<Catalog>;
  /**
   * The content hash of patterns and relations (what stats() reports), when the store can answer it
   * without a snapshot. Optional: the explorer's graph route then serves its cached copy unread.
   */
  graphHash?(): Promise<string>;
  /** The graph as a graphology MultiDirectedGraph (a fresh copy: mutating it changes nothing stored). */
  graph(): Promise<PatternGraph>;

  // Writes
  upsertPatterns(patterns: readonly Pattern[]): Promise<void>;
  /** Deletes patterns and every relation touching them. Returns the number of patterns removed. */
  deletePatterns(ids: readonly string[]): Promise<number>;
  upsertRelations(relations: readonly Relation[]): Promise<void>;
  deleteRelations(ids: readonly string[]): Promise<number>;
  upsertSituations(situations: readonly Situation[]): Promise<void>;
  /** Writes a whole catalog (e.g. the seed) in one go; with `prune`, removes what it no longer has. */
  replaceCatalog(catalog: Catalog, options?: ReplaceOptions): Promise<ReplaceResult>;

  // Scenarios
  /**
   * Stores scenarios in one atomic write. Ids already stored are left unchanged and listed as
   * existing, unless `replace` is set: then they are overwritten (e.g. a draft that gained its
   * synthesized conversation) and listed as saved.
   */
  saveScenarios(scenarios: readonly Scenario[], options?: SaveOptions): Promise<SaveResult>;
  listScenarios(filter?: ScenarioFilter): Promise<Scenario[]>;
  getScenario(id: string): Promise<Scenario | undefined>;
  /**
   * The ids of every saved scenario, sorted, without reading the documents. Optional: a store
   * without it is asked through listScenarios (see savedScenarioIds).
   */
  listScenarioIds?(): Promise<string[]>;
  /**
   * Whether a scenario id is saved, answered from the store's index one id at a time (sampling
   * with `--save` checks each drawn scenario against it). Optional: see savedScenarioLookup.
   */
  scenarioIdLookup?(): Promise<IdLookup>;
  deleteScenarios(ids: readonly string[]): Promise<number>;

  // Annotation sets (judge calibration; see ./annotations.ts)
  /**
   * Stores a set (set.json, samples, judgements) under its id in one atomic write. A set already
   * stored under the id is left unchanged (`created: false`, with the stored set's hash).
   */
  saveAnnotationSet(input: AnnotationSetInput): Promise<SaveSetResult>;
  /** Every stored set with its size and each rater's progress, by id. */
  listAnnotationSets(): Promise<AnnotationSetSummary[]>;
  /** A set as annotators see it (no judge scores), or undefined. */
  getAnnotationSet(id: string): Promise<StoredAnnotationSet | undefined>;
  /** The judge's judgements of a set's samples, in sample order, or undefined for an unknown set. */
  getSetJudgements(id: string): Promise<Judgement[] | undefined>;
  /**
   * Upserts annotations in one atomic write, one per (sample, item, annotator, pass): the latest
   * `at` wins. Unknown set: NotFoundError; an unknown sample or item: InvalidInputError naming it.
   */
  saveAnnotations(setId: string, annotations: readonly unknown[]): Promise<SaveAnnotationsResult>;
  /** A set's annotations, by annotator, pass, sample and item. Unknown set: NotFoundError. */
  listAnnotations(setId: string, filter?: AnnotationFilter): Promise<Annotation[]>;

  close(): Promise<void>;
}

/** A check of saved scenario ids: the store's index where it has one, else a set of every id. */
export async function savedScenarioLookup(store: GraphStore): Promise<IdLookup> {
  if (store.scenarioIdLookup) return store.scenarioIdLookup();
  return new Set(await savedScenarioIds(store));
}

/** The ids of every saved scenario, from the index where the store has one. */
export async function savedScenarioIds(store: GraphStore): Promise<string[]> {
  if (store.listScenarioIds) return store.listScenarioIds();
  return (await store.listScenarios()).map((s) => s.id);
}
