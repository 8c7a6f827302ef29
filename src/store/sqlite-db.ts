/**
 * The embedded store's database file: how it is recognised, opened and migrated.
 *
 * A psygraph database carries psygraph's `application_id` in its header and its schema version in
 * `user_version`. Anything else at the path (a database of another program, a file that is not a
 * database, a newer schema) is refused with a StoreIncompatibleError before a single byte is
 * written. Migrations run in one write transaction each open; the version moves with them.
 */
import Database from 'better-sqlite3';
import { StoreIncompatibleError, StoreUnavailableError } from '../model/index.js';

export type Db = Database.Database;

/** The database file inside the data directory. */
export const DB_FILE = 'psygraph.db';

/** "PSGR": marks the file as psygraph's in the SQLite header (PRAGMA application_id). */
export const APPLICATION_ID = 0x50534752;

/** How long a connection waits for another process's write lock before giving up. */
const BUSY_TIMEOUT_MS = 15_000;

/**
 * Schema migrations, oldest first: entry i takes a database from version i to i + 1. Never edit a
 * released entry; add one.
 */
const MIGRATIONS: readonly ((db: Db) => void)[] = [
  (db) =>
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      -- graph_revision 0: the store serves its seed directory; it counts up with every graph edit
      CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO counters (name, n) VALUES ('scenarios', 0), ('graph_revision', 0);

      CREATE TABLE patterns (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE relations (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        type TEXT NOT NULL,
        doc TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX relations_by_source ON relations (source);
      CREATE INDEX relations_by_target ON relations (target);
      CREATE TABLE situations (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;

      -- a rowid table: documents of tens of kB stay out of the id b-tree
      CREATE TABLE scenarios (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        situation TEXT NOT NULL,
        graph_hash TEXT NOT NULL,
        patterns TEXT NOT NULL, -- JSON array of its pattern ids: what to unlink on replace/delete
        doc TEXT NOT NULL
      );
      CREATE INDEX scenarios_by_situation ON scenarios (situation, id);
      CREATE INDEX scenarios_by_graph_hash ON scenarios (graph_hash, id);
      CREATE TABLE scenario_patterns (
        pattern TEXT NOT NULL,
        scenario_id TEXT NOT NULL,
        PRIMARY KEY (pattern, scenario_id)
      ) WITHOUT ROWID;

      -- stats reads the count instead of counting a million rows
      CREATE TRIGGER scenarios_count_insert AFTER INSERT ON scenarios
        BEGIN UPDATE counters SET n = n + 1 WHERE name = 'scenarios'; END;
      CREATE TRIGGER scenarios_count_delete AFTER DELETE ON scenarios
        BEGIN UPDATE counters SET n = n - 1 WHERE name = 'scenarios'; END;
    `),
  // 2: annotation sets (judge calibration): the set, its samples with the judge's judgements kept
  // in their own column, and the annotations, one per (set, annotator, pass, sample, item)
  (db) =>
    db.exec(`
      CREATE TABLE annotation_sets (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        samples INTEGER NOT NULL,
        items INTEGER NOT NULL,
        doc TEXT NOT NULL -- set.json
      ) WITHOUT ROWID;
      CREATE TABLE annotation_samples (
        set_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        sample_id TEXT NOT NULL,
        doc TEXT NOT NULL, -- what annotators see: no judge scores
        judgement TEXT, -- the judge's judgement of the sample (JSON), read only on reveal
        PRIMARY KEY (set_id, seq),
        UNIQUE (set_id, sample_id)
      );
      CREATE TABLE annotations (
        set_id TEXT NOT NULL,
        annotator TEXT NOT NULL,
        pass INTEGER NOT NULL,
        sample_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        score INTEGER NOT NULL,
        evidence TEXT,
        at TEXT NOT NULL,
        PRIMARY KEY (set_id, annotator, pass, sample_id, item_id)
      ) WITHOUT ROWID;
    `),
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** What an opened file holds: `version` 0 is an empty database that psygraph may initialise. */
export interface DbState {
  version: number;
}

/** Opens (creating if absent) the database file; refuses a file that is not a SQLite database. */
export function openDb(file: string): Db {
  let db: Db;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  } catch (err) {
    throw sqliteFailure(err, file);
  }
  try {
    inspectDb(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Reads the header fields that say whose file this is. Throws StoreIncompatibleError for another
 * program's database, a non-database file or a newer schema; writes nothing.
 */
export function inspectDb(db: Db, file: string): DbState {
  // one read transaction: another process committing its migration between two of these reads
  // must not be seen half (tables there, header not yet), which would look like a foreign file
  const read = () => {
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    const objects =
      applicationId === 0
        ? (db
            .prepare("SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 3")
            .pluck()
            .all() as string[])
        : [];
    return { applicationId, version, objects };
  };
  let header: ReturnType<typeof read>;
  try {
    header = db.inTransaction ? read() : db.transaction(read)();
  } catch (err) {
    throw sqliteFailure(err, file);
  }
  const { applicationId, version, objects } = header;
  if (applicationId === APPLICATION_ID) {
    if (version > SCHEMA_VERSION)
      throw new StoreIncompatibleError(
        `database ${file} has schema version ${version}, newer than this psygraph reads (${SCHEMA_VERSION}); upgrade psygraph`,
      );
    return { version };
  }
  if (applicationId !== 0)
    throw new StoreIncompatibleError(
      `database ${file} belongs to another program (application_id 0x${(applicationId >>> 0).toString(16)}), not psygraph; refusing to touch it`,
    );
  if (objects.length || version !== 0)
    throw new StoreIncompatibleError(
      `database ${file} is not a psygraph database (it holds ${objects.length ? objects.join(', ') : `user_version ${version}`}); refusing to touch it`,
    );
  return { version: 0 };
}

/**
 * How commits reach the disk. `normal` (default): in WAL mode a commit survives the process being
 * killed, and the file never corrupts, but the last commits may roll back after a power loss or
 * OS crash. `full`: every commit is fsynced (survives power loss; a save costs one fsync).
 */
export const SYNC_MODES = ['normal', 'full'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** Per-connection settings; the first call on a new database also switches it to WAL. */
export function configureDb(db: Db, file: string, sync: SyncMode = 'normal'): void {
  try {
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    // 64 MiB of page cache: the id and pattern indexes of a million scenarios stay in memory
    db.pragma('cache_size = -65536');
  } catch (err) {
    throw sqliteFailure(err, file);
  }
}

/**
 * Brings the schema to SCHEMA_VERSION in one write transaction. `initialise` runs in the same
 * transaction after the migrations when the database was empty (version 0), e.g. to import the
 * legacy JSON files: if it throws, nothing is committed. Another process that migrated first wins;
 * then nothing happens here. Returns whether this call created the schema.
 */
export function migrateDb(db: Db, file: string, initialise?: (db: Db) => void): boolean {
  const run = db.transaction((): boolean => {
    const { version } = inspectDb(db, file);
    if (version >= SCHEMA_VERSION) return false;
    for (let v = version; v < SCHEMA_VERSION; v++) MIGRATIONS[v]!(db);
    if (version === 0) {
      db.pragma(`application_id = ${APPLICATION_ID}`);
      initialise?.(db);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return version === 0;
  });
  try {
    return run.immediate();
  } catch (err) {
    throw sqliteFailure(err, file);
  }
}

/** Maps SQLite's own failures to psygraph's error classes, naming the file; passes others through. */
export function sqliteFailure(err: unknown, file: string): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  const code = err.code;
  if (code === 'SQLITE_NOTADB')
    return new StoreIncompatibleError(
      `${file} is not a SQLite database (${err.message}); refusing to touch it`,
    );
  if (code.startsWith('SQLITE_CORRUPT'))
    return new StoreIncompatibleError(`database ${file} is damaged (${err.message}); refusing to touch it`);
  if (code.startsWith('SQLITE_BUSY'))
    return new StoreUnavailableError(`database ${file} stayed locked by another process: ${err.message}`);
  return new StoreUnavailableError(`database ${file}: ${err.message} (${code})`);
}
