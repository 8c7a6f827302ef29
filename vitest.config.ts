import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the real-model job runs on its own (npm run test:real-model): minutes of a local LLM's time
    exclude: process.env.PSYGRAPH_REAL_MODEL === '1' ? [] : ['test/llm-real.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 240_000,
    pool: 'forks',
    globalSetup: ['test/setup/neo4j.ts'],
    // the default output, then one plain closing line with the counts (test/setup/closing-line.ts)
    reporters: ['default', './test/setup/closing-line.ts'],
  },
});
