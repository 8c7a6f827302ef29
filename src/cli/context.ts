import type { Command } from 'commander';
import { type Config, resolveConfig } from '../config.js';
import type { GraphStore } from '../store/graph-store.js';
import { openStore } from '../store/open-store.js';
import type { Output } from './output.js';

export interface GlobalOptions {
  store?: string;
  dataDir?: string;
  seedDir?: string;
}

export interface CliContext {
  io: Output;
  env: NodeJS.ProcessEnv;
}

export function configFor(command: Command, ctx: CliContext): Config {
  const opts = command.optsWithGlobals<GlobalOptions>();
  return resolveConfig(
    {
      ...(opts.store ? { store: opts.store } : {}),
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      ...(opts.seedDir ? { seedDir: opts.seedDir } : {}),
    },
    ctx.env,
  );
}

/** Opens the configured store for the length of one command. */
export async function withStore<T>(
  command: Command,
  ctx: CliContext,
  fn: (store: GraphStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(configFor(command, ctx));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
