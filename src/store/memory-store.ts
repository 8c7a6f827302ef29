/**
 * The embedded, zero-setup store: the graph in memory (graphology for graph work), the graph and
 * the saved scenarios durable in one SQLite database in the data directory.
 *
 *   <dataDir>/psygraph.db (+ -wal, -shm)  patterns, relations, situations, scenarios
 *
 * Until the first graph edit the store serves its seed directory as it is (graph_revision 0); the
 * first edit copies the seed into the database. Every write is one transaction taken with the
 * write lock (BEGIN IMMEDIATE), so concurrent processes serialise and a process killed mid-write
 * leaves the last committed state. Reads pick up other processes' commits through
 * PRAGMA data_version; scenarios are never cached, the graph is reloaded when its revision moved.
 *
 * A data directory of the JSON-file store (graph.json, scenarios.json) is migrated on first open
 * in the transaction that creates the schema; only after that commit are the files renamed to
 * *.migrated. A failed migration commits nothing and leaves them untouched.
 */
import type { IdLookup } from '../sample/options.js';
import { existsSync } from 'node:fs';
import { access, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  type Catalog,
  type InputProblem,
  type Pattern,
  type PatternGraph,
  type Relation,
  type Scenario,
  ScenarioSchema,
  type Situation,
  StoreDataError,
  buildGraph,
  validateCatalog,
  zodProblems,
} from '../model/index.js';
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
  LEGACY_GRAPH_FILE,
  LEGACY_SCENARIOS_FILE,
  type LegacyData,
  MIGRATED_SUFFIX,
  readLegacyData,
} from './legacy-json.js';
import {
  assertWriteFits,
  byId,
  cachedHash,
  computeStats,
  matchesPattern,
  matchesRelation,
  neighbourhoodOf,
  notFound,
  parsePatterns,
  parseRelations,
  parseScenarios,
  parseSituations,
} from './queries.js';
import { SHIPPED_SEED_DIR, loadSeed } from './seed.js';
import {
  type Annotation,
  type AnnotationFilter,
  type AnnotationSetInput,
  type AnnotationSetSummary,
  type Judgement,
  type SaveAnnotationsResult,
  type SaveSetResult,
  type StoredAnnotationSet,
  annotationFromRow,
  annotationKey,
  itemCount,
  mergeAnnotations,
  parseAnnotationSet,
  parseAnnotations,
  setHash,
  setNotFound,
  sortAnnotations,
  sortProgress,
  storedDoc,
} from './annotations.js';
import { AnnotationSetSchema, CalibrationSampleSchema } from '../llm/calibration.js';
import { JudgementSchema } from '../llm/judge.js';
import {
  DB_FILE,
  type Db,
  type SyncMode,
  configureDb,
  inspectDb,
  migrateDb,
  openDb,
  sqliteFailure,
} from './sqlite-db.js';

export interface MemoryStoreOptions {
  dataDir: string;
  /** Served until the first graph edit. Defaults to the shipped seed. */
  seedDir?: string;
  /** How commits reach the disk (see SyncMode); default `normal`. */
  sync?: SyncMode;
}

const EMPTY: Catalog = { patterns: [], relations: [], situations: [] };

/** The record of a JSON-file migration, kept in the meta table. */
interface MigrationRecord {
  at: string;
  files: string[];
  patterns: number;
  relations: number;
  situations: number;
  scenarios: number;
}

export class MemoryStore implements GraphStore {
  readonly backend = 'memory' as const;
  readonly file: string;
  private catalog: Catalog = EMPTY;
  private graphRevision = -1;
  private dataVersion = -1;
  private seedCatalog: Catalog | undefined;
  /** Unset until the database file exists: a store that was only read writes nothing. */
  private conn: { db: Db; q: Statements } | undefined;
  private connecting: Promise<{ db: Db; q: Statements }> | undefined;

  private constructor(private readonly options: MemoryStoreOptions) {
    this.file = path.join(options.dataDir, DB_FILE);
  }

  /**
   * Opens the store on a data directory. The database is created by the first write, or at once
   * when legacy JSON files are there to migrate; a directory that is only read stays untouched.
   */
  static async open(options: MemoryStoreOptions): Promise<MemoryStore> {
    const store = new MemoryStore(options);
    try {
      const legacy = await hasLegacyFiles(options.dataDir);
      if (legacy || existsSync(store.file)) await store.connect();
      if (!store.conn || store.readRevision(store.conn.q) === 0) await store.loadSeed();
      store.refresh();
      return store;
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  private async loadSeed(): Promise<void> {
    this.seedCatalog ??= await loadSeed(this.options.seedDir ?? SHIPPED_SEED_DIR);
  }

  /** Creates or opens the database, migrating the schema and any legacy JSON files. */
  private connect(): Promise<{ db: Db; q: Statements }> {
    if (this.conn) return Promise.resolve(this.conn);
    // concurrent first writes share one connection
    this.connecting ??= this.createConnection().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async createConnection(): Promise<{ db: Db; q: Statements }> {
    const file = this.file;
    await mkdir(this.options.dataDir, { recursive: true });
    const db = openDb(file);
    try {
      configureDb(db, file, this.options.sync);
      if (inspectDb(db, file).version === 0) {
        // read (and validate) the legacy files before the transaction; nothing is written yet
        const legacy = await readLegacyData(this.options.dataDir);
        migrateDb(db, file, (tx) => importLegacy(tx, legacy));
      } else migrateDb(db, file);
      await renameMigrated(db);
    } catch (err) {
      db.close();
      throw err;
    }
    if (this.conn) {
      // a read attached meanwhile (the file existed): keep that connection
      db.close();
      return this.conn;
    }
    this.conn = { db, q: prepare(db) };
    return this.conn;
  }

  /**
   * For reads: attaches to a database another process created since, once its schema is there.
   * Returns undefined while there is none.
   */
  private attach(): { db: Db; q: Statements } | undefined {
    if (this.conn || !existsSync(this.file)) return this.conn;
    const db = openDb(this.file);
    try {
      if (inspectDb(db, this.file).version === 0) {
        db.close();
        return undefined;
      }
      configureDb(db, this.file, this.options.sync);
      migrateDb(db, this.file);
    } catch (err) {
      db.close();
      throw err;
    }
    this.conn = { db, q: prepare(db) };
    return this.conn;
  }

  private readRevision(q: Statements): number {
    return q.counter.get('graph_revision') as number;
  }

  /** Runs a read or write against the database, mapping SQLite failures to psygraph errors. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw sqliteFailure(err, this.file);
    }
  }

  /**
   * Picks up other processes' commits: checks the file is still a psygraph database of a schema
   * this version reads, and reloads the graph if its revision moved. Returns the connection, or
   * undefined while no database exists (the store then serves its seed and no scenarios).
   */
  private refresh(): { db: Db; q: Statements } | undefined {
    return this.guard(() => {
      const conn = this.attach();
      if (!conn) {
        this.catalog = this.seedCatalog ?? EMPTY;
        this.graphRevision = 0;
        return undefined;
      }
      const dataVersion = conn.db.pragma('data_version', { simple: true }) as number;
      if (dataVersion === this.dataVersion) return conn;
      inspectDb(conn.db, this.file);
      conn.db.transaction(() => this.syncGraph(conn.q))();
      this.dataVersion = dataVersion;
      return conn;
    });
  }

  /** Inside a transaction: makes the cached graph the committed one. */
  private syncGraph(q: Statements): void {
    const revision = this.readRevision(q);
    if (revision === this.graphRevision) return;
    if (revision === 0) {
      // loaded at open: a database only leaves revision 0, never returns to it
      this.catalog = this.seedCatalog ?? EMPTY;
    } else this.catalog = this.readGraph(q);
    this.graphRevision = revision;
  }

  private readGraph(q: Statements): Catalog {
    // one source per row, so that a problem names the table and the record
    const rows = (stmt: Statement, table: string) =>
      (stmt.all() as { id: string; doc: string }[]).map((r) => {
        const file = `${this.file} (${table} "${r.id}")`;
        return { file, data: [parseDoc(r.doc, file)] };
      });
    const { catalog, problems } = validateCatalog({
      patterns: rows(q.allPatterns, 'pattern'),
      relations: rows(q.allRelations, 'relation'),
      situations: rows(q.allSituations, 'situation'),
    });
    if (problems.length) throw new StoreDataError(`database ${this.file} holds an invalid graph`, problems);
    return catalog;
  }

  /** Applies a graph edit in one write transaction, on the freshest committed graph. */
  private async mutateGraph<T>(edit: (catalog: Catalog) => { catalog: Catalog; result: T }): Promise<T> {
    const { db, q } = await this.connect();
    const run = db.transaction(() => {
      this.syncGraph(q);
      const before = this.graphRevision === 0 ? EMPTY : this.catalog;
      const { catalog, result } = edit(this.catalog);
      const next: Catalog = {
        patterns: [...catalog.patterns].sort(byId),
        relations: [...catalog.relations].sort(byId),
        situations: [...catalog.situations].sort(byId),
      };
      writeChanges(
        before.patterns,
        next.patterns,
        (p) => q.putPattern.run(p.id, JSON.stringify(p)),
        (id) => q.deletePattern.run(id),
      );
      writeChanges(
        before.relations,
        next.relations,
        (r) => q.putRelation.run(r.id, r.source, r.target, r.type, JSON.stringify(r)),
        (id) => q.deleteRelation.run(id),
      );
      writeChanges(
        before.situations,
        next.situations,
        (s) => q.putSituation.run(s.id, JSON.stringify(s)),
        (id) => q.deleteSituation.run(id),
      );
      q.bumpRevision.run();
      return { next, result, revision: this.readRevision(q) };
    });
    const out = this.guard(() => run.immediate());
    this.catalog = out.next;
    this.graphRevision = out.revision;
    return out.result;
  }

  // Reads

  async listPatterns(filter?: PatternFilter): Promise<Pattern[]> {
    this.refresh();
    return this.catalog.patterns.filter((p) => matchesPattern(p, filter)).sort(byId);
  }

  async getPattern(id: string): Promise<Pattern | undefined> {
    this.refresh();
    return this.catalog.patterns.find((p) => p.id === id);
  }

  async getNeighbourhood(id: string): Promise<PatternNeighbourhood> {
    this.refresh();
    const pattern = this.catalog.patterns.find((p) => p.id === id);
    if (!pattern) throw notFound('pattern', id);
    const touching = this.catalog.relations.filter((r) => r.source === id || r.target === id);
    return neighbourhoodOf(pattern, touching, new Map(this.catalog.patterns.map((p) => [p.id, p])));
  }

  async listRelations(filter?: RelationFilter): Promise<Relation[]> {
    this.refresh();
    return this.catalog.relations.filter((r) => matchesRelation(r, filter)).sort(byId);
  }

  async listSituations(): Promise<Situation[]> {
    this.refresh();
    return [...this.catalog.situations].sort(byId);
  }

  async stats(): Promise<GraphStats> {
    const conn = this.refresh();
    const scenarios = conn ? this.guard(() => conn.q.counter.get('scenarios') as number) : 0;
    return computeStats(this.catalog, scenarios);
  }

  async graphHash(): Promise<string> {
    this.refresh();
    return cachedHash(this.catalog);
  }

  async snapshot(): Promise<Catalog> {
    this.refresh();
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
    const { db, q } = await this.connect();
    const run = db.transaction((): SaveResult => {
      const result: SaveResult = { saved: [], existing: [] };
      const saved = new Set<string>();
      for (const s of scenarios) {
        const had = q.scenarioPatterns.get(s.id) as string | undefined;
        if (had !== undefined && !options.replace) {
          result.existing.push(s.id);
          continue;
        }
        if (had !== undefined) this.unlinkPatterns(q, s.id, had);
        putScenario(q, s);
        if (!saved.has(s.id)) result.saved.push(s.id);
        saved.add(s.id);
      }
      return result;
    });
    return this.guard(() => run.immediate());
  }

  async listScenarios(filter: ScenarioFilter = {}): Promise<Scenario[]> {
    const conn = this.refresh();
    if (!conn) return [];
    const q = conn.q;
    const limit = filter.limit ?? -1;
    const rows = this.guard(() => {
      if (filter.pattern && filter.situation)
        return q.scenariosByPatternAndSituation.all(filter.pattern, filter.situation, limit);
      if (filter.pattern) return q.scenariosByPattern.all(filter.pattern, limit);
      if (filter.situation) return q.scenariosBySituation.all(filter.situation, limit);
      return q.scenarios.all(limit);
    }) as { id: string; doc: string }[];
    return rows.map((r) => this.scenarioOf(r.id, r.doc));
  }

  async getScenario(id: string): Promise<Scenario | undefined> {
    const conn = this.refresh();
    if (!conn) return undefined;
    const doc = this.guard(() => conn.q.scenarioDoc.get(id)) as string | undefined;
    return doc === undefined ? undefined : this.scenarioOf(id, doc);
  }

  async scenarioIdLookup(): Promise<IdLookup> {
    // one connection for the whole lookup: each query reads the latest commit by itself
    const conn = this.refresh();
    if (!conn) return new Set<string>();
    return { has: (id: string) => this.guard(() => conn.q.hasScenario.get(id) !== undefined) };
  }

  async listScenarioIds(): Promise<string[]> {
    const conn = this.refresh();
    if (!conn) return [];
    return this.guard(() => conn.q.scenarioIds.all() as string[]);
  }

  async deleteScenarios(ids: readonly string[]): Promise<number> {
    const { db, q } = await this.connect();
    const run = db.transaction((): number => {
      let removed = 0;
      for (const id of new Set(ids)) {
        const had = q.scenarioPatterns.get(id) as string | undefined;
        if (had === undefined) continue;
        this.unlinkPatterns(q, id, had);
        removed += q.deleteScenario.run(id).changes;
      }
      return removed;
    });
    return this.guard(() => run.immediate());
  }

  /** Removes a stored scenario's rows from the pattern index (`patterns`: its JSON id list). */
  private unlinkPatterns(q: Statements, id: string, patterns: string): void {
    const where = `${this.file} (scenario "${id}", patterns)`;
    const ids = parseDoc(patterns, where);
    if (!Array.isArray(ids)) throw new StoreDataError(`${where} is not a list of pattern ids`);
    for (const pattern of ids) q.unlinkScenarioPattern.run(String(pattern), id);
  }

  /** A stored scenario document, validated: damage is a StoreDataError naming the record. */
  private scenarioOf(id: string, doc: string): Scenario {
    const where = `${this.file} (scenario "${id}")`;
    const parsed = ScenarioSchema.safeParse(parseDoc(doc, where));
    if (parsed.success) return parsed.data;
    const problems: InputProblem[] = zodProblems(parsed.error, where);
    throw new StoreDataError(`database ${this.file} holds an invalid scenario "${id}"`, problems);
  }

  // Annotation sets

  async saveAnnotationSet(input: AnnotationSetInput): Promise<SaveSetResult> {
    const value = parseAnnotationSet(input);
    const hash = setHash(value);
    const { db, q } = await this.connect();
    const run = db.transaction((): SaveSetResult => {
      const had = q.setHash.get(value.id) as string | undefined;
      if (had !== undefined) return { id: value.id, hash: had, created: false };
      q.putSet.run(
        value.id,
        hash,
        value.set.createdAt,
        value.samples.length,
        itemCount(value.samples),
        JSON.stringify(value.set),
      );
      const judgementOf = new Map(value.judgements.map((j) => [j.id, j]));
      for (const [seq, sample] of value.samples.entries()) {
        const j = judgementOf.get(sample.id);
        q.putSetSample.run(value.id, seq, sample.id, JSON.stringify(sample), j ? JSON.stringify(j) : null);
      }
      return { id: value.id, hash, created: true };
    });
    return this.guard(() => run.immediate());
  }

  async listAnnotationSets(): Promise<AnnotationSetSummary[]> {
    const conn = this.refresh();
    if (!conn) return [];
    return this.guard(() => {
      const sets = conn.q.sets.all() as {
        id: string;
        hash: string;
        samples: number;
        items: number;
        doc: string;
      }[];
      const progress = conn.q.progress.all() as {
        set_id: string;
        annotator: string;
        pass: number;
        scored: number;
      }[];
      return sets.map((row) => {
        const set = storedDoc(AnnotationSetSchema, row.doc, `${this.file} (annotation set "${row.id}")`);
        return {
          id: row.id,
          hash: row.hash,
          createdAt: set.createdAt,
          seed: set.seed,
          samples: row.samples,
          items: row.items,
          progress: sortProgress(
            progress
              .filter((p) => p.set_id === row.id)
              .map((p) => ({ annotator: p.annotator, pass: p.pass, scored: p.scored })),
          ),
        };
      });
    });
  }

  async getAnnotationSet(id: string): Promise<StoredAnnotationSet | undefined> {
    const conn = this.refresh();
    if (!conn) return undefined;
    return this.guard(() => {
      const run = conn.db.transaction(() => {
        const row = conn.q.set.get(id) as { hash: string; doc: string } | undefined;
        if (!row) return undefined;
        const where = `${this.file} (annotation set "${id}")`;
        const samples = (conn.q.setSamples.all(id) as { sample_id: string; doc: string }[]).map((r) =>
          storedDoc(CalibrationSampleSchema, r.doc, `${where}, sample "${r.sample_id}"`),
        );
        return { id, hash: row.hash, set: storedDoc(AnnotationSetSchema, row.doc, where), samples };
      });
      return run();
    });
  }

  async getSetJudgements(id: string): Promise<Judgement[] | undefined> {
    const conn = this.refresh();
    if (!conn) return undefined;
    return this.guard(() => {
      const run = conn.db.transaction(() => {
        if (conn.q.setHash.get(id) === undefined) return undefined;
        const rows = conn.q.setJudgements.all(id) as { sample_id: string; judgement: string | null }[];
        const where = `${this.file} (annotation set "${id}")`;
        return rows.flatMap((r) =>
          r.judgement === null
            ? []
            : [storedDoc(JudgementSchema, r.judgement, `${where}, judgement of "${r.sample_id}"`)],
        );
      });
      return run();
    });
  }

  async saveAnnotations(setId: string, input: readonly unknown[]): Promise<SaveAnnotationsResult> {
    const { db, q } = await this.connect();
    const run = db.transaction((): SaveAnnotationsResult => {
      if (q.setHash.get(setId) === undefined) throw setNotFound(setId);
      const where = `${this.file} (annotation set "${setId}")`;
      const samples = (q.setSamples.all(setId) as { sample_id: string; doc: string }[]).map((r) =>
        storedDoc(CalibrationSampleSchema, r.doc, `${where}, sample "${r.sample_id}"`),
      );
      const incoming = parseAnnotations(input, samples, setId);
      const stored = new Map<string, Annotation>();
      for (const a of incoming) {
        const key = annotationKey(a);
        if (stored.has(key)) continue;
        const row = q.annotation.get(setId, a.annotator, a.pass, a.sampleId, a.itemId) as
          AnnotationRow | undefined;
        if (row) stored.set(key, annotationFromRow(row, `${where}, annotation ${key}`));
      }
      const { write, result } = mergeAnnotations(incoming, stored);
      for (const a of write)
        q.putAnnotation.run(
          setId,
          a.annotator,
          a.pass,
          a.sampleId,
          a.itemId,
          a.score,
          a.evidence ?? null,
          a.at,
        );
      return result;
    });
    return this.guard(() => run.immediate());
  }

  async listAnnotations(setId: string, filter: AnnotationFilter = {}): Promise<Annotation[]> {
    const conn = this.refresh();
    if (!conn) throw setNotFound(setId);
    return this.guard(() => {
      const run = conn.db.transaction(() => {
        if (conn.q.setHash.get(setId) === undefined) throw setNotFound(setId);
        const rows = conn.q.annotations.all({
          set: setId,
          annotator: filter.annotator ?? null,
          pass: filter.pass ?? null,
        }) as AnnotationRow[];
        const where = `${this.file} (annotation set "${setId}")`;
        return rows.map((r) => annotationFromRow(r, `${where}, annotation`));
      });
      return sortAnnotations(run());
    });
  }

  async close(): Promise<void> {
    this.conn?.db.close();
    this.conn = undefined;
  }
}

type Statement = Database.Statement<[], unknown>;
type Statements = ReturnType<typeof prepare>;

function prepare(db: Db) {
  const scenarioColumns = 'SELECT s.id, s.doc FROM';
  return {
    counter: db.prepare('SELECT n FROM counters WHERE name = ?').pluck(),
    bumpRevision: db.prepare("UPDATE counters SET n = n + 1 WHERE name = 'graph_revision'"),
    allPatterns: db.prepare('SELECT id, doc FROM patterns ORDER BY id'),
    allRelations: db.prepare('SELECT id, doc FROM relations ORDER BY id'),
    allSituations: db.prepare('SELECT id, doc FROM situations ORDER BY id'),
    putPattern: db.prepare('INSERT OR REPLACE INTO patterns (id, doc) VALUES (?, ?)'),
    deletePattern: db.prepare('DELETE FROM patterns WHERE id = ?'),
    putRelation: db.prepare(
      'INSERT OR REPLACE INTO relations (id, source, target, type, doc) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteRelation: db.prepare('DELETE FROM relations WHERE id = ?'),
    putSituation: db.prepare('INSERT OR REPLACE INTO situations (id, doc) VALUES (?, ?)'),
    deleteSituation: db.prepare('DELETE FROM situations WHERE id = ?'),
    scenarioPatterns: db.prepare('SELECT patterns FROM scenarios WHERE id = ?').pluck(),
    scenarioIds: db.prepare('SELECT id FROM scenarios ORDER BY id').pluck(),
    hasScenario: db.prepare('SELECT 1 FROM scenarios WHERE id = ?').pluck(),
    scenarioDoc: db.prepare('SELECT doc FROM scenarios WHERE id = ?').pluck(),
    putScenario: db.prepare(
      `INSERT INTO scenarios (id, situation, graph_hash, patterns, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET situation = excluded.situation, graph_hash = excluded.graph_hash,
         patterns = excluded.patterns, doc = excluded.doc`,
    ),
    putScenarioPattern: db.prepare(
      'INSERT OR IGNORE INTO scenario_patterns (pattern, scenario_id) VALUES (?, ?)',
    ),
    unlinkScenarioPattern: db.prepare('DELETE FROM scenario_patterns WHERE pattern = ? AND scenario_id = ?'),
    deleteScenario: db.prepare('DELETE FROM scenarios WHERE id = ?'),
    scenarios: db.prepare(`${scenarioColumns} scenarios s ORDER BY s.id LIMIT ?`),
    scenariosBySituation: db.prepare(
      `${scenarioColumns} scenarios s WHERE s.situation = ? ORDER BY s.id LIMIT ?`,
    ),
    scenariosByPattern: db.prepare(
      `${scenarioColumns} scenario_patterns p JOIN scenarios s ON s.id = p.scenario_id
       WHERE p.pattern = ? ORDER BY p.scenario_id LIMIT ?`,
    ),
    scenariosByPatternAndSituation: db.prepare(
      `${scenarioColumns} scenario_patterns p JOIN scenarios s ON s.id = p.scenario_id
       WHERE p.pattern = ? AND s.situation = ? ORDER BY p.scenario_id LIMIT ?`,
    ),
    setHash: db.prepare('SELECT hash FROM annotation_sets WHERE id = ?').pluck(),
    set: db.prepare('SELECT hash, doc FROM annotation_sets WHERE id = ?'),
    sets: db.prepare('SELECT id, hash, samples, items, doc FROM annotation_sets ORDER BY id'),
    putSet: db.prepare(
      'INSERT INTO annotation_sets (id, hash, created_at, samples, items, doc) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    putSetSample: db.prepare(
      'INSERT INTO annotation_samples (set_id, seq, sample_id, doc, judgement) VALUES (?, ?, ?, ?, ?)',
    ),
    setSamples: db.prepare('SELECT sample_id, doc FROM annotation_samples WHERE set_id = ? ORDER BY seq'),
    setJudgements: db.prepare(
      'SELECT sample_id, judgement FROM annotation_samples WHERE set_id = ? ORDER BY seq',
    ),
    progress: db.prepare(
      'SELECT set_id, annotator, pass, count(*) AS scored FROM annotations GROUP BY set_id, annotator, pass',
    ),
    annotation: db.prepare(
      `SELECT ${ANNOTATION_COLUMNS} FROM annotations
       WHERE set_id = ? AND annotator = ? AND pass = ? AND sample_id = ? AND item_id = ?`,
    ),
    annotations: db.prepare(
      `SELECT ${ANNOTATION_COLUMNS} FROM annotations
       WHERE set_id = @set AND (@annotator IS NULL OR annotator = @annotator) AND (@pass IS NULL OR pass = @pass)`,
    ),
    putAnnotation: db.prepare(
      `INSERT INTO annotations (set_id, annotator, pass, sample_id, item_id, score, evidence, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (set_id, annotator, pass, sample_id, item_id)
       DO UPDATE SET score = excluded.score, evidence = excluded.evidence, at = excluded.at`,
    ),
  };
}

const ANNOTATION_COLUMNS = 'sample_id AS sampleId, item_id AS itemId, annotator, pass, score, evidence, at';

interface AnnotationRow {
  sampleId: string;
  itemId: string;
  annotator: string;
  pass: number;
  score: number;
  evidence: string | null;
  at: string;
}

function putScenario(q: Statements, s: Scenario): void {
  q.putScenario.run(s.id, s.situation, s.graphHash, JSON.stringify(s.patterns), JSON.stringify(s));
  for (const pattern of s.patterns) q.putScenarioPattern.run(pattern, s.id);
}

/** `where` names the database file and the record. */
function parseDoc(doc: string, where: string): unknown {
  try {
    return JSON.parse(doc) as unknown;
  } catch (err) {
    throw new StoreDataError(`${where} is not JSON: ${(err as Error).message}`);
  }
}

/** Writes what changed between two id-sorted lists: new or replaced objects, and removed ids. */
function writeChanges<T extends { id: string }>(
  before: readonly T[],
  after: readonly T[],
  put: (item: T) => unknown,
  remove: (id: string) => unknown,
): void {
  const old = new Map(before.map((x) => [x.id, x]));
  for (const item of after) {
    if (old.get(item.id) !== item) put(item);
    old.delete(item.id);
  }
  for (const id of old.keys()) remove(id);
}

/** In the schema-creating transaction: the legacy JSON files' content, and a record of it. */
function importLegacy(db: Db, legacy: LegacyData): void {
  if (!legacy.files.length) return;
  const q = prepare(db);
  const catalog = legacy.catalog;
  if (catalog) {
    writeChanges(
      [],
      catalog.patterns,
      (p) => q.putPattern.run(p.id, JSON.stringify(p)),
      () => undefined,
    );
    writeChanges(
      [],
      catalog.relations,
      (r) => q.putRelation.run(r.id, r.source, r.target, r.type, JSON.stringify(r)),
      () => undefined,
    );
    writeChanges(
      [],
      catalog.situations,
      (s) => q.putSituation.run(s.id, JSON.stringify(s)),
      () => undefined,
    );
    q.bumpRevision.run();
  }
  for (const s of legacy.scenarios ?? []) putScenario(q, s);
  const record: MigrationRecord = {
    at: new Date().toISOString(),
    files: legacy.files.map((f) => path.basename(f)),
    patterns: catalog?.patterns.length ?? 0,
    relations: catalog?.relations.length ?? 0,
    situations: catalog?.situations.length ?? 0,
    scenarios: legacy.scenarios?.length ?? 0,
  };
  db.prepare("INSERT INTO meta (key, value) VALUES ('migrated_from_json', ?)").run(JSON.stringify(record));
}

/**
 * After the migration committed: renames the legacy files to *.migrated so that nothing reads
 * them again. Also finishes the job when a process died between the commit and the rename.
 */
async function renameMigrated(db: Db): Promise<void> {
  const value = db.prepare("SELECT value FROM meta WHERE key = 'migrated_from_json'").pluck().get() as
    string | undefined;
  if (value === undefined) return;
  const record = JSON.parse(value) as MigrationRecord;
  const dir = path.dirname(db.name);
  for (const name of record.files) {
    const from = path.join(dir, name);
    const to = from + MIGRATED_SUFFIX;
    // a *.migrated already there means this file was written after the migration: leave it be
    if (!(await exists(from)) || (await exists(to))) continue;
    await rename(from, to);
  }
}

async function hasLegacyFiles(dataDir: string): Promise<boolean> {
  return (
    (await exists(path.join(dataDir, LEGACY_GRAPH_FILE))) ||
    (await exists(path.join(dataDir, LEGACY_SCENARIOS_FILE)))
  );
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
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
