/** The HTTP API on real loopback: a MemoryStore (SQLite) on a temp data dir (shipped seed), port 0. */
import path from 'node:path';
import { type AppOptions, buildApp } from '../../src/server/app.js';
import type { GraphStore } from '../../src/store/graph-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { tempDir } from './tmp.js';

export interface Api {
  base: string;
  dir: string;
  store: MemoryStore;
  stop: () => Promise<void>;
}

/** `wrap` lets a test put a failing store in front of the real one. */
export async function startApi(options: Partial<AppOptions> = {}, wrap = (s: GraphStore) => s): Promise<Api> {
  const tmp = await tempDir('psygraph-api-');
  const store = await MemoryStore.open({ dataDir: path.join(tmp.dir, 'data') });
  const app = await buildApp({ store: wrap(store), uiDir: path.join(tmp.dir, 'no-ui'), ...options });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    base,
    dir: tmp.dir,
    store,
    stop: async () => {
      await app.close();
      await store.close();
      await tmp.cleanup();
    },
  };
}
