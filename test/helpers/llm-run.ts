/**
 * The built CLI's LLM commands against an OpenAI-compatible server (the fake one, or a real local
 * llama-server): a test catalog in a seed dir, drafts sampled from it, and a runner.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sampleScenarios } from '../../src/sample/sample.js';
import { miniCatalog, writeSeedDir } from './catalog.js';
import { CLI, runCli } from './cli.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface LlmWorkspace {
  dir: string;
  seedDir: string;
  /** n drafts sampled from the test catalog, as a JSON-lines file. */
  drafts(n: number, seed: number, file: string): Promise<string>;
  run(args: string[], env: NodeJS.ProcessEnv, dataDir: string): Promise<Run>;
  /** The same command in the background (output ignored), for a test to kill mid-run. */
  start(
    args: string[],
    env: NodeJS.ProcessEnv,
    dataDir: string,
  ): { child: ChildProcess; closed: Promise<unknown> };
}

export async function llmWorkspace(dir: string): Promise<LlmWorkspace> {
  const seedDir = path.join(dir, 'seed');
  await writeSeedDir(seedDir, miniCatalog());
  return {
    dir,
    seedDir,
    async drafts(n, seed, file) {
      const drafts = sampleScenarios(miniCatalog(), {
        n,
        seed,
        size: [2, 3],
        situations: ['adversity', 'home-and-private-life'],
      }).scenarios;
      await writeFile(file, drafts.map((s) => JSON.stringify(s)).join('\n') + '\n');
      return file;
    },
    run(args, env, dataDir) {
      return runCli(['--seed-dir', seedDir, '--data-dir', dataDir, ...args], {
        OPENAI_API_KEY: 'test',
        ...env,
      });
    },
    start(args, env, dataDir) {
      const child = spawn(process.execPath, [CLI, '--seed-dir', seedDir, '--data-dir', dataDir, ...args], {
        env: { ...process.env, PSYGRAPH_STORE: '', OPENAI_API_KEY: 'test', ...env },
        stdio: 'ignore',
      });
      return { child, closed: new Promise((resolve) => child.on('close', resolve)) };
    },
  };
}

export const jsonLines = async <T = { id: string }>(file: string): Promise<T[]> =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
