/**
 * Everything that needs the real Neo4j lives in this one file, because the Community edition has
 * one user database and test files run in parallel.
 */
import { describe, inject } from 'vitest';
import { Neo4jStore } from '../src/store/neo4j-store.js';
import { describeStoreContract } from './store-contract.js';

const uri = inject('neo4jUri');

describe.skipIf(!uri)('Neo4j backend', () => {
  describeStoreContract('neo4j', async () => {
    const store = await Neo4jStore.connect({ uri: uri! });
    await store.clear();
    return { store, cleanup: () => store.close() };
  });
});
