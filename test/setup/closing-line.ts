/**
 * A reporter that ends the run with one plain line, `vitest: N passed, N failed` (`, N skipped`
 * when some were), without colours, so that a CI log reader that knows no vitest can still
 * tell how many tests ran. The default reporter prints everything else.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class ClosingLine implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules)
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') count.failed++;
        else count.skipped++;
      }
    const skipped = count.skipped ? `, ${count.skipped} skipped` : '';
    process.stdout.write(`vitest: ${count.passed} passed, ${count.failed} failed${skipped}\n`);
  }
}
