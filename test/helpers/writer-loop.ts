/**
 * A child process for the durability tests: writes to a memory store in a loop, printing a line
 * after every completed write. Usage: writer-loop.ts <dataDir> <seedDir> <tag> <count|forever>
 */
import { MemoryStore } from '../../src/store/memory-store.js';
import { makePattern } from './catalog.js';

const [dataDir, seedDir, tag, countArg] = process.argv.slice(2) as [string, string, string, string];
const count = countArg === 'forever' ? Infinity : Number(countArg);
const store = await MemoryStore.open({ dataDir, seedDir });
for (let i = 0; i < count; i++) {
  const name = `${tag} ${i}`;
  await store.upsertPatterns([makePattern(name, { kind: 'trait', dimension: 'extraversion', pole: '+' })]);
  await store.saveScenarios([
    {
      id: `${tag}-${i}`,
      patterns: ['talkative'],
      relations: [],
      motif: null,
      situation: 'adversity',
      characters: [{ role: 'protagonist', patterns: ['talkative'] }],
      strategy: 'manual',
      seed: i,
      graphHash: 'x',
    },
  ]);
  process.stdout.write(`wrote ${i}\n`);
}
