/**
 * Configuration from the environment, overridable by CLI flags. One place decides the defaults.
 */
import { InvalidInputError } from './model/index.js';

export const STORE_KINDS = ['memory', 'neo4j'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface Neo4jConfig {
  uri: string;
  user?: string;
  password?: string;
  database?: string;
  /** How long the driver retries a transaction on transient failures (driver default 30 s). */
  maxRetryMs?: number;
}

/** How the embedded store's commits reach the disk (PSYGRAPH_DB_SYNC); see src/store/sqlite-db.ts. */
export const DB_SYNC_MODES = ['normal', 'full'] as const;
export type DbSyncMode = (typeof DB_SYNC_MODES)[number];

export interface Config {
  store: StoreKind;
  dataDir: string;
  dbSync: DbSyncMode;
  seedDir?: string;
  neo4j: Neo4jConfig;
}

export interface ConfigOverrides {
  store?: string;
  dataDir?: string;
  seedDir?: string;
}

export const DEFAULT_NEO4J_URI = 'bolt://127.0.0.1:7687';

export function parseStoreKind(value: string, source: string): StoreKind {
  if ((STORE_KINDS as readonly string[]).includes(value)) return value as StoreKind;
  throw new InvalidInputError(`${source} must be one of ${STORE_KINDS.join(', ')} (got "${value}")`);
}

export function resolveConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const store = overrides.store
    ? parseStoreKind(overrides.store, '--store')
    : env.PSYGRAPH_STORE
      ? parseStoreKind(env.PSYGRAPH_STORE, 'PSYGRAPH_STORE')
      : 'memory';
  const neo4j: Neo4jConfig = { uri: env.NEO4J_URI || DEFAULT_NEO4J_URI };
  if (env.NEO4J_USER) neo4j.user = env.NEO4J_USER;
  if (env.NEO4J_PASSWORD) neo4j.password = env.NEO4J_PASSWORD;
  if (env.NEO4J_DATABASE) neo4j.database = env.NEO4J_DATABASE;
  if (env.NEO4J_MAX_RETRY_MS) {
    const ms = Number(env.NEO4J_MAX_RETRY_MS);
    if (!Number.isInteger(ms) || ms < 0)
      throw new InvalidInputError(
        `NEO4J_MAX_RETRY_MS must be a whole number of milliseconds >= 0 (got "${env.NEO4J_MAX_RETRY_MS}")`,
      );
    neo4j.maxRetryMs = ms;
  }
  const dbSync = env.PSYGRAPH_DB_SYNC || 'normal';
  if (!(DB_SYNC_MODES as readonly string[]).includes(dbSync))
    throw new InvalidInputError(
      `PSYGRAPH_DB_SYNC must be one of ${DB_SYNC_MODES.join(', ')} (got "${env.PSYGRAPH_DB_SYNC}")`,
    );
  const config: Config = {
    store,
    dataDir: overrides.dataDir ?? env.PSYGRAPH_DATA_DIR ?? '.psygraph',
    dbSync: dbSync as DbSyncMode,
    neo4j,
  };
  if (overrides.seedDir) config.seedDir = overrides.seedDir;
  return config;
}
