/**
 * vitest global setup: makes a real Neo4j available to the suites that need one.
 *
 * - NEO4J_URI set: use that server (the user's own, a cluster, Aura).
 * - otherwise, with Java and Maven on the machine: start the project's own launcher
 *   (graph/neo4j-up.sh) on a test port and data directory, and stop it afterwards.
 * - otherwise: skip the Neo4j suites with a loud notice, except under CI=true, where it fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    neo4jUri: string | null;
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * A free port for this run's server, so that test runs in two checkouts on one machine do not
 * collide (the launcher keys a running server by its data directory, not by its port).
 */
function freePort(): string {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim();
}

const launcherEnv = () => ({
  ...process.env,
  NEO4J_BOLT_PORT: process.env.PSYGRAPH_TEST_NEO4J_PORT ?? freePort(),
  PSYGRAPH_DATA_DIR: path.join(ROOT, '.psygraph', 'test'),
});

function has(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function notice(message: string): void {
  const bar = '!'.repeat(78);
  process.stderr.write(`\n${bar}\n! ${message}\n${bar}\n\n`);
}

export default function setup(project: TestProject): (() => void) | undefined {
  if (process.env.NEO4J_URI) {
    project.provide('neo4jUri', process.env.NEO4J_URI);
    return undefined;
  }
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  if (!has(java, ['-version']) || !has('mvn', ['-v'])) {
    const message =
      'Neo4j suites SKIPPED: no NEO4J_URI, and Java 17+ and Maven are needed for the local launcher.';
    if (process.env.CI === 'true') throw new Error(`${message} Under CI=true this is a failure.`);
    notice(message);
    project.provide('neo4jUri', null);
    return undefined;
  }
  const script = (name: string) => path.join(ROOT, 'graph', name);
  const env = launcherEnv();
  const wasRunning = spawnSync('bash', [script('neo4j-status.sh')], { env, stdio: 'ignore' }).status === 0;
  const out = execFileSync('bash', [script('neo4j-up.sh')], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const uri = out.trim().split('\n').pop() ?? `bolt://127.0.0.1:${env.NEO4J_BOLT_PORT}`;
  project.provide('neo4jUri', uri);
  return () => {
    // quiet unless it fails, so that the run's last line stays the test count (closing-line.ts)
    if (!wasRunning)
      execFileSync('bash', [script('neo4j-down.sh')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  };
}
