/**
 * The embedded, zero-setup store: the whole graph in memory (graphology for graph work), kept
 * durable as JSON files in a data directory.
 *
 *   <dataDir>/graph.json      patterns, relations, situations — written on the first graph edit;
 *                             until then the store serves the seed directory as it is.
 *   <dataDir>/scenarios.json  saved scenarios.
 *
 * Every write takes the directory lock, re-reads what another process may have written, applies
 * the change and replaces the file atomically. Reads pick up other processes' writes by checking
 * the files' mtime and size.
 */
import path from 'node:path';
import {
  type Catalog,
  InvalidInputError,
  StoreDataError,
  type Pattern,
  type PatternGraph,
  type Relation,
  type Scenario,
  type Situation,
  buildGraph,
  validateCatalog,
} from '../model/index.js';
import {
  type FileVersion,
  fileVersion,
  readJson,
  sameVersion,
  withDirLock,
  writeJsonAtomic,
} from './data-dir.js';
import type {
  GraphStats,
  GraphStore,
  PatternFilter,
  PatternNeighbourhood,
  RelationFilter,
  ReplaceOptions,
  ReplaceResult,
  SaveOptions,
  SaveResult,
  ScenarioFilter,
} from './graph-store.js';
import {
  assertWriteFits,
  byId,
  computeStats,
  matchesPattern,
  matchesRelation,
  matchesScenario,
  neighbourhoodOf,
  notFound,
  parsePatterns,
  parseRelations,
  parseScenarios,
  parseSituations,
} from './queries.js';
import { SHIPPED_SEED_DIR, loadSeed } from './seed.js';

export interface MemoryStoreOptions {
  dataDir: string;
  /** Served until the first graph edit creates graph.json. Defaults to the shipped seed. */
  seedDir?: string;
}

const GRAPH_FORMAT = 'psygraph.graph';
const SCENARIOS_FORMAT = 'psygraph.scenarios';

export class MemoryStore implements GraphStore {
  readonly backend = 'memory' as const;
  private readonly graphFile: string;
  private readonly scenariosFile: string;
  private catalog: Catalog = { patterns: [], relations: [], situations: [] };
  private scenarios = new Map<string, Scenario>();
  private graphVersion: FileVersion | undefined | null = null; // null: never read
  private scenariosVersion: FileVersion | undefined | null = null;
  private seedCatalog: Catalog | undefined;

  private constructor(private readonly options: MemoryStoreOptions) {
    this.graphFile = path.join(options.dataDir, 'graph.json');
    this.scenariosFile = path.join(options.dataDir, 'scenarios.json');
  }

  static async open(options: MemoryStoreOptions): Promise<MemoryStore> {
    const store = new MemoryStore(options);
    await store.refresh();
    return store;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** Re-reads the data files if another process changed them since we last looked. */
  private async refresh(): Promise<void> {
    const gv = await fileVersion(this.graphFile);
    if (this.graphVersion === null || !sameVersion(gv, this.graphVersion ?? undefined)) {
      this.catalog = gv ? await this.readGraphFile() : await this.seed();
      this.graphVersion = gv;
    }
    const sv = await fileVersion(this.scenariosFile);
    if (this.scenariosVersion === null || !sameVersion(sv, this.scenariosVersion ?? undefined)) {
      this.scenarios = new Map((sv ? await this.readScenariosFile() : []).map((s) => [s.id, s]));
      this.scenariosVersion = sv;
    }
  }

  private async seed(): Promise<Catalog> {
    this.seedCatalog ??= await loadSeed(this.options.seedDir ?? SHIPPED_SEED_DIR);
    return this.seedCatalog;
  }

  private async readGraphFile(): Promise<Catalog> {
    const raw = await this.readFormatted(this.graphFile, GRAPH_FORMAT);
    const { catalog, problems } = validateCatalog({
      patterns: [{ file: this.graphFile, data: raw.patterns }],
      relations: [{ file: this.graphFile, data: raw.relations }],
      situations: [{ file: this.graphFile, data: raw.situations }],
    });
    if (problems.length) throw new StoreDataError(`data file ${this.graphFile} is invalid`, problems);
    return catalog;
  }

  private async readScenariosFile(): Promise<Scenario[]> {
    const raw = await this.readFormatted(this.scenariosFile, SCENARIOS_FORMAT);
    if (!Array.isArray(raw.scenarios)) {
      throw new StoreDataError(`data file ${this.scenariosFile}: "scenarios" must be an array`);
    }
    try {
      return parseScenarios(raw.scenarios);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      throw new StoreDataError(`data file ${this.scenariosFile} is invalid: ${err.message}`, err.problems);
    }
  }

  private async readFormatted(file: string, format: string): Promise<Record<string, unknown>> {
    let raw: unknown;
    try {
      raw = await readJson(file);
    } catch (err) {
      throw new StoreDataError(`data file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== format) {
      throw new StoreDataError(`data file ${file} is not a ${format} file`);
    }
    return raw as Record<string, unknown>;
  }

  /** Applies a graph edit under the lock, on the freshest state, and writes it atomically. */
  private async mutateGraph<T>(edit: (catalog: Catalog) => { catalog: Catalog; result: T }): Promise<T> {
    return withDirLock(this.options.dataDir, async () => {
      await this.refresh();
      const { catalog, result } = edit(this.catalog);
      const sorted = {
        patterns: [...catalog.patterns].sort(byId),
        relations: [...catalog.relations].sort(byId),
        situations: [...catalog.situations].sort(byId),
      };
      await writeJsonAtomic(this.graphFile, { format: GRAPH_FORMAT, version: 1, ...sorted });
      this.catalog = sorted;
      this.graphVersion = await fileVersion(this.graphFile);
      return result;
    });
  }

  private async mutateScenarios<T>(edit: (scenarios: Map<string, Scenario>) => T): Promise<T> {
    return withDirLock(this.options.dataDir, async () => {
      await this.refresh();
      const next = new Map(this.scenarios);
      const result = edit(next);
      const list = [...next.values()].sort(byId);
      await writeJsonAtomic(this.scenariosFile, { format: SCENARIOS_FORMAT, version: 1, scenarios: list });
      this.scenarios = next;
      this.scenariosVersion = await fileVersion(this.scenariosFile);
      return result;
    });
  }

  // Reads

  async listPatterns(filter?: PatternFilter): Promise<Pattern[]> {
    await this.refresh();
    return this.catalog.patterns.filter((p) => matchesPattern(p, filter)).sort(byId);
  }

  async getPattern(id: string): Promise<Pattern | undefined> {
    await this.refresh();
    return this.catalog.patterns.find((p) => p.id === id);
  }

  async getNeighbourhood(id: string): Promise<PatternNeighbourhood> {
    await this.refresh();
    const pattern = this.catalog.patterns.find((p) => p.id === id);
    if (!pattern) throw notFound('pattern', id);
    const touching = this.catalog.relations.filter((r) => r.source === id || r.target === id);
    return neighbourhoodOf(pattern, touching, new Map(this.catalog.patterns.map((p) => [p.id, p])));
  }

  async listRelations(filter?: RelationFilter): Promise<Relation[]> {
    await this.refresh();
    return this.catalog.relations.filter((r) => matchesRelation(r, filter)).sort(byId);
  }

  async listSituations(): Promise<Situation[]> {
    await this.refresh();
    return [...this.catalog.situations].sort(byId);
  }

  async stats(): Promise<GraphStats> {
    await this.refresh();
    return computeStats(this.catalog, this.scenarios.size);
  }

  async snapshot(): Promise<Catalog> {
    await this.refresh();
    return structuredClone({
      patterns: [...this.catalog.patterns].sort(byId),
      relations: [...this.catalog.relations].sort(byId),
      situations: [...this.catalog.situations].sort(byId),
    });
  }

  async graph(): Promise<PatternGraph> {
    const { patterns, relations } = await this.snapshot();
    return buildGraph(patterns, relations);
  }

  // Writes

  async upsertPatterns(input: readonly Pattern[]): Promise<void> {
    const patterns = parsePatterns(input);
    await this.mutateGraph((c) => {
      assertWriteFits({ patterns }, c);
      return { catalog: { ...c, patterns: upsert(c.patterns, patterns) }, result: undefined };
    });
  }

  async deletePatterns(ids: readonly string[]): Promise<number> {
    const gone = new Set(ids);
    return this.mutateGraph((c) => ({
      catalog: {
        ...c,
        patterns: c.patterns.filter((p) => !gone.has(p.id)),
        relations: c.relations.filter((r) => !gone.has(r.source) && !gone.has(r.target)),
      },
      result: c.patterns.filter((p) => gone.has(p.id)).length,
    }));
  }

  async upsertRelations(input: readonly Relation[]): Promise<void> {
    const relations = parseRelations(input);
    await this.mutateGraph((c) => {
      assertWriteFits({ relations }, c);
      return { catalog: { ...c, relations: upsert(c.relations, relations) }, result: undefined };
    });
  }

  async deleteRelations(ids: readonly string[]): Promise<number> {
    const gone = new Set(ids);
    return this.mutateGraph((c) => ({
      catalog: { ...c, relations: c.relations.filter((r) => !gone.has(r.id)) },
      result: c.relations.filter((r) => gone.has(r.id)).length,
    }));
  }

  async upsertSituations(input: readonly Situation[]): Promise<void> {
    const situations = parseSituations(input);
    await this.mutateGraph((c) => {
      assertWriteFits({ situations }, c);
      return { catalog: { ...c, situations: upsert(c.situations, situations) }, result: undefined };
    });
  }

  async replaceCatalog(input: Catalog, options: ReplaceOptions = {}): Promise<ReplaceResult> {
    const next: Catalog = {
      patterns: parsePatterns(input.patterns),
      relations: parseRelations(input.relations),
      situations: parseSituations(input.situations),
    };
    return this.mutateGraph((c) => {
      const merged: Catalog = options.prune
        ? next
        : {
            patterns: upsert(c.patterns, next.patterns),
            relations: upsert(c.relations, next.relations),
            situations: upsert(c.situations, next.situations),
          };
      assertWriteFits(merged, { patterns: [], relations: [], situations: [] });
      return {
        catalog: merged,
        result: {
          patterns: next.patterns.length,
          relations: next.relations.length,
          situations: next.situations.length,
          removed: {
            patterns: c.patterns.length - countKept(c.patterns, merged.patterns),
            relations: c.relations.length - countKept(c.relations, merged.relations),
            situations: c.situations.length - countKept(c.situations, merged.situations),
          },
        },
      };
    });
  }

  // Scenarios

  async saveScenarios(input: readonly Scenario[], options: SaveOptions = {}): Promise<SaveResult> {
    const scenarios = parseScenarios(input);
    return this.mutateScenarios((map) => {
      const result: SaveResult = { saved: [], existing: [] };
      for (const s of scenarios) {
        if (map.has(s.id) && !options.replace) result.existing.push(s.id);
        else {
          map.set(s.id, s);
          if (!result.saved.includes(s.id)) result.saved.push(s.id);
        }
      }
      return result;
    });
  }

  async listScenarios(filter: ScenarioFilter = {}): Promise<Scenario[]> {
    await this.refresh();
    const list = [...this.scenarios.values()].filter((s) => matchesScenario(s, filter)).sort(byId);
    return filter.limit === undefined ? list : list.slice(0, filter.limit);
  }

  async getScenario(id: string): Promise<Scenario | undefined> {
    await this.refresh();
    return this.scenarios.get(id);
  }

  async deleteScenarios(ids: readonly string[]): Promise<number> {
    return this.mutateScenarios((map) => ids.filter((id) => map.delete(id)).length);
  }

  async close(): Promise<void> {}
}

function upsert<T extends { id: string }>(current: readonly T[], changes: readonly T[]): T[] {
  const map = new Map(current.map((x) => [x.id, x]));
  for (const x of changes) map.set(x.id, x);
  return [...map.values()];
}

function countKept<T extends { id: string }>(before: readonly T[], after: readonly T[]): number {
  const ids = new Set(after.map((x) => x.id));
  return before.filter((x) => ids.has(x.id)).length;
}
