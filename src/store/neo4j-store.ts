// Placeholder replaced by the Neo4j backend (issue 5) later in this change.
import type { Neo4jConfig } from '../config.js';
import { StoreUnavailableError } from '../model/index.js';
import type { GraphStore } from './graph-store.js';

export const Neo4jStore = {
  async connect(config: Neo4jConfig): Promise<GraphStore> {
    throw new StoreUnavailableError(`the neo4j backend is not available yet (${config.uri})`);
  },
};
