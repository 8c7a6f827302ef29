/**
 * GraphStore on Neo4j (a local launcher, a server, a cluster or Aura: only the URI changes).
 * Parameterised Cypher only; relationship types come from the fixed RELATION_TYPES whitelist.
 * Every bulk write is one transaction (all or nothing); reads ask for READ routing so that a
 * cluster's secondaries can serve them.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import neo4j, { type Driver, type ManagedTransaction, type RoutingControl } from 'neo4j-driver';
import type { Neo4jConfig } from '../config.js';
import { splitCypherStatements } from './cypher-script.js';
import {
  type Catalog,
  type Pattern,
  type PatternGraph,
  RELATION_TYPES,
  type Relation,
  type Scenario,
  type Situation,
  StoreUnavailableError,
  buildGraph,
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
  patternFromDoc,
  patternRow,
  relationFromDoc,
  relationRow,
  scenarioFromDoc,
  scenarioRow,
  situationFromProps,
  situationRow,
} from './neo4j-mapping.js';
import {
  assertWriteFits,
  computeStats,
  neighbourhoodOf,
  notFound,
  parsePatterns,
  parseRelations,
  parseScenarios,
  parseSituations,
  relationTypes,
} from './queries.js';

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

const SCHEMA_FILE = new URL('../../graph/schema.cypher', import.meta.url);
const BATCH = 1000;

type Params = Record<string, unknown>;

export class Neo4jStore implements GraphStore {
  readonly backend = 'neo4j' as const;

  private constructor(
    private readonly driver: Driver,
    private readonly config: Neo4jConfig,
  ) {}

  /** Connects, checks the server answers, and applies graph/schema.cypher (idempotent). */
  static async connect(config: Neo4jConfig): Promise<Neo4jStore> {
    const auth = config.user ? neo4j.auth.basic(config.user, config.password ?? '') : undefined;
    const driver = neo4j.driver(config.uri, auth, {
      disableLosslessIntegers: true,
      connectionTimeout: 10_000,
      ...(config.maxRetryMs !== undefined ? { maxTransactionRetryTime: config.maxRetryMs } : {}),
    });
    try {
      await driver.verifyConnectivity(config.database ? { database: config.database } : {});
      const store = new Neo4jStore(driver, config);
      await store.applySchema();
      return store;
    } catch (err) {
      await driver.close();
      throw new StoreUnavailableError(
        `cannot use Neo4j at ${config.uri}: ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }

  private async applySchema(): Promise<void> {
    const statements = splitCypherStatements(await readFile(SCHEMA_FILE, 'utf8'));
    for (const statement of statements) await this.write(statement);
  }

  /** A read-only query with READ routing, results as plain objects (for server-side walks). */
  async query(query: string, params: Params = {}): Promise<Record<string, unknown>[]> {
    return this.read(query, params);
  }

  /**
   * A server that went away after connecting (after the driver's retries) becomes a
   * StoreUnavailableError naming the URI; other errors (a Cypher bug, a constraint) pass through.
   */
  private unavailable(err: unknown): unknown {
    const code = (err as { code?: unknown } | null)?.code;
    if (code !== 'ServiceUnavailable' && code !== 'SessionExpired') return err;
    return new StoreUnavailableError(
      `Neo4j at ${this.config.uri} is unavailable: ${(err as Error).message.split('\n')[0]}`,
    );
  }

  private async read(query: string, params: Params = {}) {
    return this.run(query, params, neo4j.routing.READ);
  }

  private async write(query: string, params: Params = {}) {
    return this.run(query, params, neo4j.routing.WRITE);
  }

  private async run(query: string, params: Params, routing: RoutingControl) {
    try {
      const { records } = await this.driver.executeQuery(query, params, {
        routing,
        ...(this.config.database ? { database: this.config.database } : {}),
      });
      return records.map((r) => r.toObject() as Record<string, unknown>);
    } catch (err) {
      throw this.unavailable(err);
    }
  }

  /** Runs `work` in one write transaction: every statement commits, or none does. */
  private async transaction<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const session = this.driver.session({
      defaultAccessMode: neo4j.session.WRITE,
      // the bookmark manager executeQuery uses: a read routed to a cluster secondary after this
      // write waits until the secondary has it (read-after-write, causal consistency)
      bookmarkManager: this.driver.executeQueryBookmarkManager,
      ...(this.config.database ? { database: this.config.database } : {}),
    });
    try {
      return await session.executeWrite(work);
    } catch (err) {
      throw this.unavailable(err);
    } finally {
      await session.close();
    }
  }

  // Reads

  async listPatterns(filter: PatternFilter = {}): Promise<Pattern[]> {
    const rows = await this.read(
      `MATCH (p:Pattern)
       WHERE ($kind IS NULL OR p.kind = $kind) AND ($q IS NULL OR p.search CONTAINS $q)
       RETURN p.doc AS doc ORDER BY p.id`,
      { kind: filter.kind ?? null, q: filter.search ? filter.search.toLowerCase() : null },
    );
    return rows.map((r) => patternFromDoc(r.doc));
  }

  async getPattern(id: string): Promise<Pattern | undefined> {
    const rows = await this.read('MATCH (p:Pattern {id: $id}) RETURN p.doc AS doc', { id });
    return rows[0] ? patternFromDoc(rows[0].doc) : undefined;
  }

  private async patternsById(ids: readonly string[]): Promise<Pattern[]> {
    if (!ids.length) return [];
    const rows = await this.read('MATCH (p:Pattern) WHERE p.id IN $ids RETURN p.doc AS doc', {
      ids: [...new Set(ids)],
    });
    return rows.map((r) => patternFromDoc(r.doc));
  }

  async getNeighbourhood(id: string): Promise<PatternNeighbourhood> {
    const rows = await this.read(
      `MATCH (p:Pattern {id: $id})
       OPTIONAL MATCH (p)-[r]-(o:Pattern)
       RETURN p.doc AS doc, collect({doc: r.doc, id: o.id, name: o.name, kind: o.kind}) AS links`,
      { id },
    );
    const row = rows[0];
    if (!row) throw notFound('pattern', id);
    const links = (
      row.links as { doc: string | null; id: string; name: string; kind: Pattern['kind'] }[]
    ).filter((l) => l.doc !== null);
    const others = new Map(links.map((l) => [l.id, { id: l.id, name: l.name, kind: l.kind }]));
    return neighbourhoodOf(
      patternFromDoc(row.doc),
      links.map((l) => relationFromDoc(l.doc)),
      others,
    );
  }

  async listRelations(filter: RelationFilter = {}): Promise<Relation[]> {
    const rows = await this.read(
      `MATCH (a:Pattern)-[r]->(b:Pattern)
       WHERE type(r) IN $types AND ($pattern IS NULL OR a.id = $pattern OR b.id = $pattern)
         AND ($min IS NULL OR r.strength >= $min)
       RETURN r.doc AS doc ORDER BY r.id`,
      {
        types: [...(relationTypes(filter) ?? RELATION_TYPES)],
        pattern: filter.pattern ?? null,
        min: filter.minStrength ?? null,
      },
    );
    return rows.map((r) => relationFromDoc(r.doc));
  }

  async listSituations(): Promise<Situation[]> {
    const rows = await this.read('MATCH (s:Situation) RETURN properties(s) AS props ORDER BY s.id');
    return rows.map((r) => situationFromProps(r.props));
  }

  async stats(): Promise<GraphStats> {
    const [catalog, rows] = await Promise.all([
      this.snapshot(),
      this.read('MATCH (s:Scenario) RETURN count(s) AS n'),
    ]);
    return computeStats(catalog, Number(rows[0]?.n ?? 0));
  }

  async snapshot(): Promise<Catalog> {
    const [patterns, relations, situations] = await Promise.all([
      this.listPatterns(),
      this.listRelations(),
      this.listSituations(),
    ]);
    return { patterns, relations, situations };
  }

  async graph(): Promise<PatternGraph> {
    const { patterns, relations } = await this.snapshot();
    return buildGraph(patterns, relations);
  }

  // Writes

  /** Checks a write against the stored patterns it refers to (endpoints, twins). */
  private async checkWrite(write: Partial<Catalog>): Promise<void> {
    const refs = [
      ...(write.relations ?? []).flatMap((r) => [r.source, r.target]),
      ...(write.patterns ?? []).flatMap((p) => (p.distinctFrom ?? []).map((d) => d.id)),
    ];
    const own = new Set((write.patterns ?? []).map((p) => p.id));
    const stored = await this.patternsById(refs.filter((id) => !own.has(id)));
    assertWriteFits(write, { patterns: stored, relations: [], situations: [] });
  }

  async upsertPatterns(input: readonly Pattern[]): Promise<void> {
    const patterns = parsePatterns(input);
    await this.checkWrite({ patterns });
    await this.transaction(async (tx) => {
      await mergePatterns(tx, patterns);
      await renumberPatterns(tx);
      await graphChanged(tx);
    });
  }

  async deletePatterns(ids: readonly string[]): Promise<number> {
    return this.transaction(async (tx) => {
      const res = await tx.run(
        `MATCH (p:Pattern) WHERE p.id IN $ids
         WITH collect(p) AS ps, count(p) AS n
         FOREACH (x IN ps | DETACH DELETE x)
         RETURN n`,
        { ids: [...ids] },
      );
      await renumberPatterns(tx);
      await graphChanged(tx);
      return Number(res.records[0]?.get('n') ?? 0);
    });
  }

  async upsertRelations(input: readonly Relation[]): Promise<void> {
    const relations = parseRelations(input);
    await this.checkWrite({ relations });
    await this.transaction(async (tx) => {
      await mergeRelations(tx, relations);
      await graphChanged(tx);
    });
  }

  async deleteRelations(ids: readonly string[]): Promise<number> {
    return this.transaction(async (tx) => {
      let removed = 0;
      for (const type of RELATION_TYPES) {
        const res = await tx.run(
          `MATCH ()-[r:${type}]->() WHERE r.id IN $ids WITH collect(r) AS rs, count(r) AS n
           FOREACH (x IN rs | DELETE x) RETURN n`,
          { ids: [...ids] },
        );
        removed += Number(res.records[0]?.get('n') ?? 0);
      }
      await graphChanged(tx);
      return removed;
    });
  }

  async upsertSituations(input: readonly Situation[]): Promise<void> {
    const situations = parseSituations(input);
    assertWriteFits({ situations }, { patterns: [], relations: [], situations: [] });
    await this.transaction((tx) => mergeSituations(tx, situations));
  }

  async replaceCatalog(input: Catalog, options: ReplaceOptions = {}): Promise<ReplaceResult> {
    const next: Catalog = {
      patterns: parsePatterns(input.patterns),
      relations: parseRelations(input.relations),
      situations: parseSituations(input.situations),
    };
    await this.checkWrite(next);
    const removed = { patterns: 0, relations: 0, situations: 0 };
    await this.transaction(async (tx) => {
      if (options.prune) {
        const count = async (query: string, params: Params) =>
          Number((await tx.run(query, params)).records[0]?.get('n') ?? 0);
        removed.relations = await count(
          `MATCH (:Pattern)-[r]->(:Pattern) WHERE type(r) IN $types AND NOT r.id IN $ids
           WITH collect(r) AS rs, count(r) AS n FOREACH (x IN rs | DELETE x) RETURN n`,
          { types: [...RELATION_TYPES], ids: next.relations.map((r) => r.id) },
        );
        removed.patterns = await count(
          `MATCH (p:Pattern) WHERE NOT p.id IN $ids
           WITH collect(p) AS ps, count(p) AS n FOREACH (x IN ps | DETACH DELETE x) RETURN n`,
          { ids: next.patterns.map((p) => p.id) },
        );
        removed.situations = await count(
          `MATCH (s:Situation) WHERE NOT s.id IN $ids
           WITH collect(s) AS ss, count(s) AS n FOREACH (x IN ss | DETACH DELETE x) RETURN n`,
          { ids: next.situations.map((s) => s.id) },
        );
      }
      await mergePatterns(tx, next.patterns);
      await mergeSituations(tx, next.situations);
      await mergeRelations(tx, next.relations);
      await renumberPatterns(tx);
      await graphChanged(tx);
    });
    return {
      patterns: next.patterns.length,
      relations: next.relations.length,
      situations: next.situations.length,
      removed,
    };
  }

  /**
   * graphHash of the stored graph without loading it. The hash is kept in one `:GraphMeta` node
   * beside the version that every graph write of this store bumps (in the write's own
   * transaction), so it is computed once per version of the graph, not once per request: see
   * `computeContentHash`. The kept hash is stored only if no write committed while it was
   * computed (the version is compared in the same statement that stores it), and it is also
   * checked against the pattern and relation counts, so that an edit made with other Cypher that
   * adds or removes something is noticed. An edit made with other Cypher that only changes a
   * document is not: reset the kept hash then with `MATCH (m:GraphMeta) DELETE m`.
   */
  async contentHash(): Promise<string> {
    // counts by label and by relationship type come from Neo4j's count store, not a scan
    const [[meta], patterns, ...relations] = await Promise.all([
      this.read(
        `MATCH (m:GraphMeta {id: 'graph'}) RETURN m.version AS version, m.hash AS hash, m.counts AS counts`,
      ),
      this.read('MATCH (p:Pattern) RETURN count(p) AS n'),
      ...RELATION_TYPES.map((type) => this.read(`MATCH ()-[r:${type}]->() RETURN count(r) AS n`)),
    ]);
    const version = Number(meta?.version ?? 0);
    const now = [patterns, ...relations].map((rows) => Number(rows[0]?.n ?? 0));
    const counts = (meta?.counts as unknown[] | null | undefined)?.map(Number);
    if (typeof meta?.hash === 'string' && counts?.join() === now.join()) return meta.hash;
    const hash = await this.computeContentHash();
    try {
      await this.write(
        `MERGE (m:GraphMeta {id: 'graph'}) ON CREATE SET m.version = 0
         WITH m WHERE m.version = $version
         SET m.hash = $hash, m.counts = $counts`,
        { version: neo4j.int(version), hash, counts: now.map((n) => neo4j.int(n)) },
      );
    } catch (err) {
      // a read-only user or a follower that takes no writes: the hash is still right, just not kept
      if (this.unavailable(err) !== err) throw this.unavailable(err);
    }
    return hash;
  }

  /** The kept graph hash (contentHash), so the explorer's graph route serves its copy unread. */
  async graphHash(): Promise<string> {
    return this.contentHash();
  }

  /**
   * The stored canonical documents streamed in id order through one sha256 (the same bytes
   * `graphHash` hashes), so memory stays flat on a graph too big to snapshot. The in-database
   * sampler stamps scenarios with it.
   */
  async computeContentHash(): Promise<string> {
    const hash = createHash('sha256');
    const session = this.driver.session({
      defaultAccessMode: neo4j.session.READ,
      bookmarkManager: this.driver.executeQueryBookmarkManager,
      ...(this.config.database ? { database: this.config.database } : {}),
    });
    try {
      const stream = async (query: string, params: Params = {}) => {
        let first = true;
        for await (const record of session.run(query, params)) {
          hash.update((first ? '' : ',') + String(record.get('doc')));
          first = false;
        }
      };
      hash.update('{"patterns":[');
      await stream('MATCH (p:Pattern) RETURN p.doc AS doc ORDER BY p.id');
      hash.update('],"relations":[');
      await stream(
        'MATCH (:Pattern)-[r]->(:Pattern) WHERE type(r) IN $types RETURN r.doc AS doc ORDER BY r.id',
        { types: [...RELATION_TYPES] },
      );
      hash.update(']}');
    } catch (err) {
      throw this.unavailable(err);
    } finally {
      await session.close();
    }
    return hash.digest('hex').slice(0, 16);
  }

  /**
   * Loads a large graph into an EMPTY database in many small transactions (`batch` rows each),
   * so that a million relations fit a modest Neo4j heap. Not atomic: for benchmarks and first
   * loads of generated graphs; replaceCatalog is the all-or-nothing load. Returns the counts.
   */
  async bulkLoad(input: Catalog, batch = 10_000): Promise<{ patterns: number; relations: number }> {
    const [row] = await this.read('MATCH (n) WHERE n:Pattern OR n:Scenario RETURN count(n) AS n');
    if (Number(row?.n ?? 0) > 0) throw new Error('bulkLoad needs an empty database (clear it first)');
    const patterns = parsePatterns(input.patterns);
    const relations = parseRelations(input.relations);
    const ids = new Set(patterns.map((p) => p.id));
    for (const r of relations)
      if (!ids.has(r.source) || !ids.has(r.target))
        throw new Error(`relation ${r.id}: unknown endpoint ${ids.has(r.source) ? r.target : r.source}`);
    await this.transaction(graphChanged);
    const sorted = patterns.map(patternRow).sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const rows of batches(
      sorted.map((r, i) => ({ ...r, props: { ...r.props, idx: i } })),
      batch,
    )) {
      await this.write('UNWIND $rows AS row CREATE (p:Pattern) SET p = row.props', { rows });
    }
    await this.transaction(async (tx) => mergeSituations(tx, parseSituations(input.situations)));
    for (const type of RELATION_TYPES) {
      const ofType = relations.filter((r) => r.type === type).map(relationRow);
      for (const rows of batches(ofType, batch)) {
        await this.write(
          `UNWIND $rows AS row
           MATCH (a:Pattern {id: row.source}), (b:Pattern {id: row.target})
           CREATE (a)-[r:${type}]->(b) SET r = row.props`,
          { rows },
        );
      }
    }
    // again after the last batch: a hash taken while the load ran must not be kept
    await this.transaction(graphChanged);
    return { patterns: patterns.length, relations: relations.length };
  }

  // Scenarios

  async saveScenarios(input: readonly Scenario[], options: SaveOptions = {}): Promise<SaveResult> {
    const scenarios = parseScenarios(input);
    return this.transaction(async (tx) => {
      const ids = scenarios.map((s) => s.id);
      // replacing is delete-then-create inside this one transaction, so it is all or nothing
      if (options.replace) await tx.run('MATCH (s:Scenario) WHERE s.id IN $ids DETACH DELETE s', { ids });
      const res = await tx.run('MATCH (s:Scenario) WHERE s.id IN $ids RETURN s.id AS id', { ids });
      const existing = new Set(res.records.map((r) => r.get('id') as string));
      const result: SaveResult = { saved: [], existing: [] };
      const fresh: Scenario[] = [];
      for (const s of scenarios) {
        if (existing.has(s.id)) result.existing.push(s.id);
        else if (!fresh.some((f) => f.id === s.id)) {
          fresh.push(s);
          result.saved.push(s.id);
        }
      }
      for (const rows of batches(fresh.map(scenarioRow))) {
        await tx.run(
          `UNWIND $rows AS row
           CREATE (s:Scenario) SET s = row.props
           WITH s, row UNWIND row.props.patterns AS pid
           MATCH (p:Pattern {id: pid}) MERGE (s)-[:INCLUDES]->(p)`,
          { rows },
        );
      }
      return result;
    });
  }

  async listScenarios(filter: ScenarioFilter = {}): Promise<Scenario[]> {
    const rows = await this.read(
      `MATCH (s:Scenario)
       WHERE ($pattern IS NULL OR $pattern IN s.patterns) AND ($situation IS NULL OR s.situation = $situation)
       RETURN s.doc AS doc ORDER BY s.id ${filter.limit === undefined ? '' : 'LIMIT $limit'}`,
      {
        pattern: filter.pattern ?? null,
        situation: filter.situation ?? null,
        ...(filter.limit === undefined ? {} : { limit: neo4j.int(filter.limit) }),
      },
    );
    return rows.map((r) => scenarioFromDoc(r.doc));
  }

  async getScenario(id: string): Promise<Scenario | undefined> {
    const rows = await this.read('MATCH (s:Scenario {id: $id}) RETURN s.doc AS doc', { id });
    return rows[0] ? scenarioFromDoc(rows[0].doc) : undefined;
  }

  async deleteScenarios(ids: readonly string[]): Promise<number> {
    const rows = await this.write(
      `MATCH (s:Scenario) WHERE s.id IN $ids WITH collect(s) AS ss, count(s) AS n
       FOREACH (x IN ss | DETACH DELETE x) RETURN n`,
      { ids: [...ids] },
    );
    return Number(rows[0]?.n ?? 0);
  }

  // Annotation sets

  async saveAnnotationSet(input: AnnotationSetInput): Promise<SaveSetResult> {
    const value = parseAnnotationSet(input);
    const hash = setHash(value);
    const judgementOf = new Map(value.judgements.map((j) => [j.id, j]));
    return this.transaction(async (tx) => {
      const had = await tx.run('MATCH (s:AnnotationSet {id: $id}) RETURN s.hash AS hash', { id: value.id });
      const stored = had.records[0]?.get('hash') as string | undefined;
      if (stored !== undefined) return { id: value.id, hash: stored, created: false };
      await tx.run(
        `CREATE (s:AnnotationSet {id: $id, hash: $hash, createdAt: $createdAt, samples: $samples,
           items: $items, doc: $doc})`,
        {
          id: value.id,
          hash,
          createdAt: value.set.createdAt,
          samples: neo4j.int(value.samples.length),
          items: neo4j.int(itemCount(value.samples)),
          doc: JSON.stringify(value.set),
        },
      );
      const rows = value.samples.map((sample, seq) => {
        const j = judgementOf.get(sample.id);
        return {
          key: JSON.stringify([value.id, sample.id]),
          setId: value.id,
          seq: neo4j.int(seq),
          id: sample.id,
          doc: JSON.stringify(sample),
          judgement: j ? JSON.stringify(j) : null,
        };
      });
      for (const batch of batches(rows, 200))
        await tx.run('UNWIND $rows AS row CREATE (x:AnnotationSample) SET x = row', { rows: batch });
      return { id: value.id, hash, created: true };
    });
  }

  async listAnnotationSets(): Promise<AnnotationSetSummary[]> {
    const rows = await this.read(
      `MATCH (s:AnnotationSet)
       OPTIONAL MATCH (a:Annotation {setId: s.id})
       WITH s, a.annotator AS annotator, a.pass AS pass, count(a) AS scored
       RETURN s.id AS id, s.hash AS hash, s.samples AS samples, s.items AS items, s.doc AS doc,
         collect(CASE WHEN annotator IS NULL THEN NULL ELSE {annotator: annotator, pass: pass, scored: scored} END) AS progress
       ORDER BY s.id`,
    );
    return rows.map((r) => {
      const set = storedDoc(AnnotationSetSchema, r.doc, `Neo4j annotation set "${String(r.id)}"`);
      return {
        id: r.id as string,
        hash: r.hash as string,
        createdAt: set.createdAt,
        seed: set.seed,
        samples: Number(r.samples),
        items: Number(r.items),
        progress: sortProgress(
          (r.progress as { annotator: string; pass: unknown; scored: unknown }[]).map((p) => ({
            annotator: p.annotator,
            pass: Number(p.pass),
            scored: Number(p.scored),
          })),
        ),
      };
    });
  }

  async getAnnotationSet(id: string): Promise<StoredAnnotationSet | undefined> {
    const rows = await this.read(
      `MATCH (s:AnnotationSet {id: $id})
       OPTIONAL MATCH (x:AnnotationSample {setId: $id})
       WITH s, x ORDER BY x.seq
       RETURN s.hash AS hash, s.doc AS doc, collect(x.doc) AS samples`,
      { id },
    );
    const row = rows[0];
    if (!row) return undefined;
    const where = `Neo4j annotation set "${id}"`;
    return {
      id,
      hash: row.hash as string,
      set: storedDoc(AnnotationSetSchema, row.doc, where),
      samples: (row.samples as string[]).map((doc, i) =>
        storedDoc(CalibrationSampleSchema, doc, `${where}, sample ${i}`),
      ),
    };
  }

  async getSetJudgements(id: string): Promise<Judgement[] | undefined> {
    const rows = await this.read(
      `MATCH (s:AnnotationSet {id: $id})
       OPTIONAL MATCH (x:AnnotationSample {setId: $id})
       WITH s, x ORDER BY x.seq
       RETURN s.id AS id, collect(x.judgement) AS judgements`,
      { id },
    );
    const row = rows[0];
    if (!row) return undefined;
    return (row.judgements as string[]).map((doc, i) =>
      storedDoc(JudgementSchema, doc, `Neo4j annotation set "${id}", judgement ${i}`),
    );
  }

  async saveAnnotations(setId: string, input: readonly unknown[]): Promise<SaveAnnotationsResult> {
    return this.transaction(async (tx) => {
      const res = await tx.run(
        `MATCH (s:AnnotationSet {id: $id})
         OPTIONAL MATCH (x:AnnotationSample {setId: $id})
         WITH s, x ORDER BY x.seq
         RETURN s.id AS id, collect(x.doc) AS samples`,
        { id: setId },
      );
      const record = res.records[0];
      if (!record) throw setNotFound(setId);
      const where = `Neo4j annotation set "${setId}"`;
      const samples = (record.get('samples') as string[]).map((doc, i) =>
        storedDoc(CalibrationSampleSchema, doc, `${where}, sample ${i}`),
      );
      const incoming = parseAnnotations(input, samples, setId);
      const storedKey = (a: Annotation) => JSON.stringify([setId, annotationKey(a)]);
      const keys = [...new Set(incoming.map(storedKey))];
      const found = await tx.run(
        `UNWIND $keys AS k MATCH (a:Annotation {key: k})
         RETURN a.sampleId AS sampleId, a.itemId AS itemId, a.annotator AS annotator, a.pass AS pass,
           a.score AS score, a.evidence AS evidence, a.at AS at`,
        { keys },
      );
      const stored = new Map<string, Annotation>();
      for (const r of found.records) {
        const a = annotationFromRow(r.toObject() as Parameters<typeof annotationFromRow>[0], where);
        stored.set(annotationKey(a), a);
      }
      const { write, result } = mergeAnnotations(incoming, stored);
      const rows = write.map((a) => ({
        key: storedKey(a),
        props: {
          key: storedKey(a),
          setId,
          sampleId: a.sampleId,
          itemId: a.itemId,
          annotator: a.annotator,
          pass: neo4j.int(a.pass),
          score: neo4j.int(a.score),
          evidence: a.evidence ?? null,
          at: a.at,
        },
      }));
      for (const batch of batches(rows))
        await tx.run('UNWIND $rows AS row MERGE (a:Annotation {key: row.key}) SET a = row.props', {
          rows: batch,
        });
      return result;
    });
  }

  async listAnnotations(setId: string, filter: AnnotationFilter = {}): Promise<Annotation[]> {
    const rows = await this.read(
      `MATCH (s:AnnotationSet {id: $id})
       OPTIONAL MATCH (a:Annotation {setId: $id})
       WHERE ($annotator IS NULL OR a.annotator = $annotator) AND ($pass IS NULL OR a.pass = $pass)
       RETURN s.id AS id, collect(a {.sampleId, .itemId, .annotator, .pass, .score, .evidence, .at}) AS annotations`,
      {
        id: setId,
        annotator: filter.annotator ?? null,
        pass: filter.pass === undefined ? null : neo4j.int(filter.pass),
      },
    );
    const row = rows[0];
    if (!row) throw setNotFound(setId);
    const where = `Neo4j annotation set "${setId}"`;
    return sortAnnotations(
      (row.annotations as Parameters<typeof annotationFromRow>[0][]).map((a) => annotationFromRow(a, where)),
    );
  }

  /** Runs Cypher statements (e.g. an exported script) in one write transaction. */
  async runScript(statements: readonly string[]): Promise<void> {
    await this.transaction(async (tx) => {
      for (const statement of statements) await tx.run(statement);
      await graphChanged(tx);
    });
  }

  /** Removes everything psygraph stored (tests and `load --prune` from scratch). */
  async clear(): Promise<void> {
    await this.write(
      `MATCH (n) WHERE n:Pattern OR n:Situation OR n:Scenario OR n:GraphMeta OR n:AnnotationSet
         OR n:AnnotationSample OR n:Annotation DETACH DELETE n`,
    );
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

/** Marks the graph changed: bumps the version the kept graph hash is tied to, and drops the hash. */
async function graphChanged(tx: ManagedTransaction): Promise<void> {
  await tx.run(
    `MERGE (m:GraphMeta {id: 'graph'})
     SET m.version = coalesce(m.version, 0) + 1
     REMOVE m.hash, m.counts`,
  );
}

function* batches<T>(items: readonly T[], size = BATCH): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

async function mergePatterns(tx: ManagedTransaction, patterns: readonly Pattern[]): Promise<void> {
  for (const rows of batches(patterns.map(patternRow))) {
    await tx.run('UNWIND $rows AS row MERGE (p:Pattern {id: row.id}) SET p = row.props', { rows });
  }
}

async function mergeSituations(tx: ManagedTransaction, situations: readonly Situation[]): Promise<void> {
  for (const rows of batches(situations.map(situationRow))) {
    await tx.run('UNWIND $rows AS row MERGE (s:Situation {id: row.id}) SET s = row.props', { rows });
  }
}

async function mergeRelations(tx: ManagedTransaction, relations: readonly Relation[]): Promise<void> {
  for (const type of RELATION_TYPES) {
    const ofType = relations.filter((r) => r.type === type).map(relationRow);
    for (const rows of batches(ofType)) {
      // The type is interpolated from the fixed whitelist; everything else is a parameter.
      await tx.run(
        `UNWIND $rows AS row
         MATCH (a:Pattern {id: row.source}), (b:Pattern {id: row.target})
         MERGE (a)-[r:${type} {id: row.id}]->(b) SET r = row.props`,
        { rows },
      );
    }
  }
}

/** Dense 0..n-1 `idx` in id order, so a server-side walk can pick a uniform random start. */
async function renumberPatterns(tx: ManagedTransaction): Promise<void> {
  await tx.run(
    `MATCH (p:Pattern) WITH p ORDER BY p.id
     WITH collect(p) AS ps
     UNWIND range(0, size(ps) - 1) AS i
     WITH ps[i] AS p, i SET p.idx = i`,
  );
}
