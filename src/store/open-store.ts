import type { Config } from '../config.js';
import type { GraphStore } from './graph-store.js';
import { MemoryStore } from './memory-store.js';

/** Opens the store the configuration names. */
export async function openStore(config: Config): Promise<GraphStore> {
  if (config.store === 'neo4j') {
    const { Neo4jStore } = await import('./neo4j-store.js');
    return Neo4jStore.connect(config.neo4j);
  }
  return MemoryStore.open({
    dataDir: config.dataDir,
    sync: config.dbSync,
    ...(config.seedDir ? { seedDir: config.seedDir } : {}),
  });
}
