/** What the LLM commands print: progress (reporting), the closing summary (finish), the IPE / MPD table. */
import { stat } from 'node:fs/promises';
import { readJsonLines } from '../../../read-input.js';
import cliProgress from 'cli-progress';
import {
  type BatchProgress,
  type BatchSummary,
  type Judgement,
  JudgementSchema,
  type LlmClient,
  metricsByModel,
  resultsTable,
} from '../../../llm/index.js';
import type { CliContext } from '../../context.js';
import type { LlmFlags } from './options.js';

export function finish(
  summary: BatchSummary,
  clients: readonly LlmClient[],
  flags: LlmFlags,
  ctx: CliContext,
  label: string,
): boolean {
  if (flags.dryRun) {
    ctx.io.out(
      `dry run: ${summary.total - summary.skipped} item(s) to do (${summary.skipped} already in ${flags.out}); estimated cost at most $${summary.estimate.toFixed(4)}; nothing sent`,
    );
    return false;
  }
  const s = clients.reduce(
    (a, c) => ({
      calls: a.calls + c.stats.calls,
      hits: a.hits + c.stats.cacheHits,
      tin: a.tin + c.stats.promptTokens,
      tout: a.tout + c.stats.completionTokens,
      cost: a.cost + c.stats.cost,
      truncated: a.truncated + c.stats.truncated,
    }),
    { calls: 0, hits: 0, tin: 0, tout: 0, cost: 0, truncated: 0 },
  );
  const truncated = summary.truncated ? ` (${summary.truncated} cut off at the token limit)` : '';
  ctx.io.err(
    `${label}: wrote ${summary.written}, skipped ${summary.skipped} already done, ${summary.failed} failed${truncated}; ${s.calls} call(s), ${s.hits} cache hit(s), ${s.tin}+${s.tout} tokens, $${s.cost.toFixed(4)}`,
  );
  if (summary.stoppedBy) throw summary.stoppedBy;
  if (summary.failed) {
    const cut = summary.truncated
      ? ` (${summary.truncated} of them cut off at the token limit: raise --max-tokens)`
      : '';
    ctx.io.err(
      `psygraph: ${summary.failed} item(s) failed validation and were not written${cut}; re-run to retry them`,
    );
    process.exitCode = 1;
  }
  return true;
}

/**
 * Progress: a bar with ETA and spending on a terminal; otherwise one line per item, so that logs
 * and tests see every step.
 */
export function reporting(ctx: CliContext): {
  log: (line: string) => void;
  onProgress?: (p: BatchProgress) => void;
} {
  const log = (line: string) => ctx.io.err(line);
  if (!process.stderr.isTTY) return { log };
  let bar: cliProgress.SingleBar | undefined;
  return {
    log,
    onProgress: (p) => {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${p.label} [{bar}] {value}/{total} {failed} failed \${cost} ETA {eta_formatted}`,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, p.skipped, { failed: 0, cost: '0.0000' });
      }
      bar.update(p.finished, { failed: p.failed, cost: p.cost.toFixed(4) });
      if (p.finished >= p.total) bar.stop();
    },
  };
}

/** The IPE / MPD table of everything in `out`; when nothing was ever judged, a note instead. */
export async function printResults(out: string, ctx: CliContext, label: string): Promise<void> {
  const exists = await stat(out).then(
    (s) => s.size > 0,
    () => false,
  );
  const judgements: Judgement[] = exists ? await readJsonLines(out, '--out', JudgementSchema) : [];
  if (judgements.length) ctx.io.out(resultsTable(metricsByModel(judgements)));
  else ctx.io.err(`${label}: no judgements in ${out} yet, so there is no IPE / MPD table`);
}
