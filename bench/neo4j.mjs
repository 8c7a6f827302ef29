// The benchmarks' side of the project's Neo4j launcher (graph/*.sh): a free Bolt port, and start /
// stop with the caller's environment (port, data directory, memory).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const script = (name) => path.join(ROOT, 'graph', name);

/** A free loopback port, so that runs in two checkouts on one machine do not collide. */
export function freePort() {
  const code =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' }).trim();
}

/** Starts the launcher (or finds it running) and returns its Bolt URI. */
export function startNeo4j(env) {
  return execFileSync('bash', [script('neo4j-up.sh')], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .pop();
}

export function stopNeo4j(env) {
  execFileSync('bash', [script('neo4j-down.sh')], { env, stdio: 'ignore' });
}
