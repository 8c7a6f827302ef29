/** The LLM commands' shared flags (addLlmOptions) and the client they build from them (clientFor). */
import path from 'node:path';
import type { Command } from 'commander';
import {
  BatchCollector,
  type CostBudget,
  LlmClient,
  type LlmOptions,
  endpointFromEnv,
  loadPrices,
} from '../../../llm/index.js';
import { InvalidInputError } from '../../../model/index.js';
import { type CliContext, configFor } from '../../context.js';
import { parseNumberIn } from '../../options.js';
import { checkBatchFlags } from './batch.js';

export interface LlmFlags {
  scenarios?: string;
  out: string;
  model?: string;
  judgeModel?: string;
  concurrency: number;
  maxCost?: number;
  dryRun?: boolean;
  jsonMode?: boolean;
  stream?: boolean;
  prices?: string;
  timeout: number;
  retries: number;
  retryBase: number;
  runs: number;
  checklists?: string;
  character: string;
  refine?: boolean;
  maxTokens?: number;
  temperature?: number;
  /** --batch and its flags (batch.ts). */
  batch?: boolean;
  pollInterval?: number;
  batchFileOnly?: boolean;
  batchId?: string;
}

/** --max-tokens: the reply token limit per call, over each step's default. */
export function addMaxTokensOption(command: Command, defaults: string): Command {
  return command.option(
    '--max-tokens <n>',
    `reply token limit per call (default ${defaults}); a reply cut off there fails as truncated`,
    parseNumberIn('--max-tokens', 1, 1_000_000, true),
  );
}

export const modelOf = (flags: LlmFlags, ctx: CliContext) => flags.model ?? ctx.env.PSYGRAPH_MODEL;

export function addLlmOptions(command: Command, needsModel = true): Command {
  return command
    .option('--scenarios <file>', 'JSON lines of scenarios (default: the saved scenarios)')
    .requiredOption('--out <file>', 'JSON lines output (appended; ids already there are skipped)')
    .option('--model <name>', `model name (env PSYGRAPH_MODEL)${needsModel ? '' : '; only with --refine'}`)
    .option('--concurrency <n>', 'requests at once', parseNumberIn('--concurrency', 1, 256, true), 4)
    .option(
      '--max-cost <usd>',
      'stop before a call would take spending past this',
      parseNumberIn('--max-cost', 0, 1e9),
    )
    .option('--dry-run', 'print the cost estimate and send nothing')
    .option('--json-mode', 'ask for json_object replies (servers without JSON-schema support)')
    .option('--stream', 'stream replies (server-sent events)')
    .option(
      '--prices <file>',
      'JSON {"model": {"input": USD/1M tokens, "output": USD/1M}} over the built-in table',
    )
    .option('--timeout <ms>', 'per-request timeout', parseNumberIn('--timeout', 1, 3_600_000, true), 120_000)
    .option('--retries <n>', 'retries on 429 / 5xx / timeout', parseNumberIn('--retries', 0, 20, true), 4)
    .option(
      '--retry-base <ms>',
      'first backoff wait, doubled per retry',
      parseNumberIn('--retry-base', 0, 600_000, true),
      500,
    );
}

/**
 * The one way the CLI and the server make an LLM client: the endpoint from the environment
 * (OPENAI_BASE_URL, OPENAI_API_KEY), the response cache in the data directory, log lines on
 * stderr; the caller gives the model, prices, budget and call settings.
 */
export function createLlmClient(
  cmd: Command,
  ctx: CliContext,
  settings: Omit<LlmOptions, 'baseURL' | 'apiKey' | 'cacheDir' | 'log'>,
): LlmClient {
  return new LlmClient({
    ...endpointFromEnv(ctx.env),
    cacheDir: path.join(configFor(cmd, ctx).dataDir, 'llm-cache'),
    log: (line) => ctx.io.err(line),
    ...settings,
  });
}

export async function clientFor(
  flags: LlmFlags,
  cmd: Command,
  ctx: CliContext,
  model: string | undefined,
  budget: CostBudget,
) {
  checkBatchFlags(flags);
  if (!model) throw new InvalidInputError('--model: no model given (pass --model or set PSYGRAPH_MODEL)');
  const prices = await loadPrices(flags.prices);
  const client = createLlmClient(cmd, ctx, {
    model,
    jsonMode: !!flags.jsonMode,
    stream: !!flags.stream,
    concurrency: flags.concurrency,
    timeoutMs: flags.timeout,
    retry: { retries: flags.retries, baseMs: flags.retryBase },
    prices,
    budget,
    dryRun: !!flags.dryRun,
    ...(flags.maxTokens !== undefined ? { maxTokens: flags.maxTokens } : {}),
    ...(flags.batch ? { batch: new BatchCollector() } : {}),
  });
  if ((flags.maxCost !== undefined || flags.dryRun) && !client.hasPrice())
    throw new InvalidInputError(
      `--prices: no price for model "${model}", so ${flags.dryRun ? '--dry-run' : '--max-cost'} cannot estimate; add it with --prices FILE`,
    );
  return client;
}
