/**
 * The built CLI's LLM commands against an OpenAI-compatible server (the fake one, or a real local
 * llama-server): a test catalog in a seed dir, drafts sampled from it, and a runner.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sampleScenarios } from '../../src/sample/sample.js';
import { miniCatalog, writeSeedDir } from './catalog.js';
import { CLI } from './cli.js';

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
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, '--seed-dir', seedDir, '--data-dir', dataDir, ...args], {
          env: { ...process.env, PSYGRAPH_STORE: '', OPENAI_API_KEY: 'test', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
    },
  };
}

export const jsonLines = async <T = { id: string }>(file: string): Promise<T[]> =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
