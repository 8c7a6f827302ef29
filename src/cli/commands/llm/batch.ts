/**
 * --batch for synth and judge: the flags (addBatchOptions) and the one hook the commands call
 * instead of runBatch (runItems), which sends the calls through the OpenAI Batch API when asked.
 */
import type { Command } from 'commander';
import {
  type BatchOptions,
  type BatchSummary,
  type LlmClient,
  runBatch,
  runBatchApi,
} from '../../../llm/index.js';
import { InvalidInputError } from '../../../model/index.js';
import type { CliContext } from '../../context.js';
import { parseNumberIn } from '../../options.js';
import type { LlmFlags } from './options.js';

export const DEFAULT_POLL_INTERVAL_MS = 30_000;

export function addBatchOptions(command: Command): Command {
  return command
    .option(
      '--batch',
      'send the requests through the OpenAI Batch API (files + batches, batch prices), round by round; resumable',
    )
    .option(
      '--poll-interval <ms>',
      `with --batch: wait between looks at a batch's status (default ${DEFAULT_POLL_INTERVAL_MS})`,
      parseNumberIn('--poll-interval', 1, 3_600_000, true),
    )
    .option(
      '--batch-file-only',
      "with --batch: write the first round's request file (OUT.batch-1.requests.jsonl) and stop; nothing is sent",
    )
    .option('--batch-id <id>', 'with --batch: attach to this batch, created earlier for the same --out');
}

/** Batch flags that make no sense together or without --batch: the caller's mistake, exit 2. */
export function checkBatchFlags(flags: LlmFlags): void {
  if (!flags.batch) {
    const stray = [
      flags.pollInterval !== undefined && '--poll-interval',
      flags.batchFileOnly && '--batch-file-only',
      flags.batchId !== undefined && '--batch-id',
    ].filter(Boolean);
    if (stray.length) throw new InvalidInputError(`${stray[0]}: only works with --batch`);
    return;
  }
  if (flags.stream)
    throw new InvalidInputError('--stream: a batch is not streamed; leave out --stream or --batch');
  if (flags.batchFileOnly && flags.dryRun)
    throw new InvalidInputError('--batch-file-only: sends nothing already; leave out --dry-run');
  if (flags.batchFileOnly && flags.batchId !== undefined)
    throw new InvalidInputError('--batch-id: cannot attach to a batch with --batch-file-only');
  if (flags.batchId !== undefined && !/^[\w.:-]{1,200}$/.test(flags.batchId))
    throw new InvalidInputError(`--batch-id: "${flags.batchId}" is not a batch id`);
}

/** runBatch, or with --batch the Batch API rounds; --dry-run estimates either way (at batch prices). */
export async function runItems<I extends { id: string }>(
  flags: LlmFlags,
  client: LlmClient,
  ctx: CliContext,
  options: BatchOptions<I>,
): Promise<BatchSummary> {
  const collector = client.options.batch;
  if (!flags.batch || flags.dryRun || !collector) return runBatch(options);
  const summary = await runBatchApi({
    ...options,
    client,
    collector,
    pollIntervalMs: flags.pollInterval ?? DEFAULT_POLL_INTERVAL_MS,
    ...(flags.batchFileOnly ? { fileOnly: true } : {}),
    ...(flags.batchId !== undefined ? { batchId: flags.batchId } : {}),
  });
  if (flags.batchFileOnly) for (const file of summary.requestFiles) ctx.io.out(file);
  return summary;
}
