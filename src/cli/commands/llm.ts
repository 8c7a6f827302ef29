/** psygraph synth / checklist / judge / evaluate: the LLM pipeline over JSON-lines batches. */
import path from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import {
  type ChecklistRecord,
  ChecklistRecordSchema,
  CostBudget,
  type Judgement,
  JudgementSchema,
  LlmClient,
  type BatchProgress,
  type BatchSummary,
  compileChecklist,
  evaluateScenario,
  judgeCharacter,
  loadPrices,
  readJsonLines,
  metricsByModel,
  refineChecklist,
  resultsTable,
  runBatch,
  synthesizeScenario,
} from '../../llm/index.js';
import { InvalidInputError, type Scenario } from '../../model/index.js';
import { type PromptContext, createPromptContext, resolveScenario } from '../../prompt/index.js';
import { type CliContext, configFor, withStore } from '../context.js';
import { parseNumberIn } from '../options.js';
import { readScenarioFile } from '../scenario-io.js';

interface LlmFlags {
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
}

function addLlmOptions(command: Command, needsModel = true): Command {
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

async function clientFor(
  flags: LlmFlags,
  cmd: Command,
  ctx: CliContext,
  model: string | undefined,
  budget: CostBudget,
) {
  if (!model) throw new InvalidInputError('--model: no model given (pass --model or set PSYGRAPH_MODEL)');
  const prices = await loadPrices(flags.prices);
  const client = new LlmClient({
    model,
    ...(ctx.env.OPENAI_BASE_URL ? { baseURL: ctx.env.OPENAI_BASE_URL } : {}),
    ...(ctx.env.OPENAI_API_KEY ? { apiKey: ctx.env.OPENAI_API_KEY } : {}),
    jsonMode: !!flags.jsonMode,
    stream: !!flags.stream,
    concurrency: flags.concurrency,
    timeoutMs: flags.timeout,
    retry: { retries: flags.retries, baseMs: flags.retryBase },
    cacheDir: path.join(configFor(cmd, ctx).dataDir, 'llm-cache'),
    prices,
    budget,
    dryRun: !!flags.dryRun,
    log: (line) => ctx.io.err(line),
  });
  if ((flags.maxCost !== undefined || flags.dryRun) && !client.hasPrice())
    throw new InvalidInputError(
      `--prices: no price for model "${model}", so ${flags.dryRun ? '--dry-run' : '--max-cost'} cannot estimate; add it with --prices FILE`,
    );
  return client;
}

async function inputs(
  flags: LlmFlags,
  cmd: Command,
  ctx: CliContext,
): Promise<{ scenarios: Scenario[]; pctx: PromptContext }> {
  return withStore(cmd, ctx, async (store) => {
    const scenarios = flags.scenarios ? await readScenarioFile(flags.scenarios) : await store.listScenarios();
    const pctx = createPromptContext(await store.snapshot());
    for (const s of scenarios) {
      try {
        resolveScenario(s, pctx);
      } catch (err) {
        if (err instanceof InvalidInputError)
          throw new InvalidInputError(`--scenarios: ${err.message}`, err.problems);
        throw err;
      }
    }
    return { scenarios, pctx };
  });
}

function finish(
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
    }),
    { calls: 0, hits: 0, tin: 0, tout: 0, cost: 0 },
  );
  ctx.io.err(
    `${label}: wrote ${summary.written}, skipped ${summary.skipped} already done, ${summary.failed} failed; ${s.calls} call(s), ${s.hits} cache hit(s), ${s.tin}+${s.tout} tokens, $${s.cost.toFixed(4)}`,
  );
  if (summary.stoppedBy) throw summary.stoppedBy;
  if (summary.failed) {
    ctx.io.err(
      `psygraph: ${summary.failed} item(s) failed validation and were not written; re-run to retry them`,
    );
    process.exitCode = 1;
  }
  return true;
}

/**
 * Progress: a bar with ETA and spending on a terminal; otherwise one line per item, so that logs
 * and tests see every step.
 */
function reporting(ctx: CliContext): {
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

async function printResults(out: string, ctx: CliContext): Promise<void> {
  const judgements: Judgement[] = await readJsonLines(out, '--out', JudgementSchema);
  if (judgements.length) ctx.io.out(resultsTable(metricsByModel(judgements)));
}

async function checklistsFor(flags: LlmFlags, scenarios: readonly Scenario[], pctx: PromptContext) {
  const given = flags.checklists
    ? await readJsonLines<ChecklistRecord>(flags.checklists, '--checklists', ChecklistRecordSchema)
    : [];
  const byId = new Map(given.map((c) => [c.id, c]));
  return (s: Scenario) => byId.get(s.id) ?? compileChecklist(s, pctx);
}

const withConversation = (scenarios: readonly Scenario[], command: string) => {
  const missing = scenarios.filter((s) => !s.conversation?.length);
  if (missing.length)
    throw new InvalidInputError(
      `--scenarios: ${missing.length} scenario(s) have no conversation (first: ${missing[0]!.id}); ${command} needs the output of psygraph synth`,
    );
  return scenarios;
};

export function registerLlmCommands(program: Command, ctx: CliContext): void {
  const modelOf = (flags: LlmFlags) => flags.model ?? ctx.env.PSYGRAPH_MODEL;

  addLlmOptions(
    program
      .command('synth')
      .description('write scene, profiles, analysis and conversation for each scenario'),
  )
    .option(
      '--regenerate <n>',
      'rewrites of a conversation that fails its checks',
      parseNumberIn('--regenerate', 0, 10, true),
      2,
    )
    .action(async (flags: LlmFlags & { regenerate: number }, cmd: Command) => {
      const { scenarios, pctx } = await inputs(flags, cmd, ctx);
      const client = await clientFor(flags, cmd, ctx, modelOf(flags), new CostBudget(flags.maxCost));
      const summary = await runBatch({
        label: 'synth',
        items: scenarios,
        out: flags.out,
        concurrency: flags.concurrency,
        work: (s) => synthesizeScenario(s, pctx, client, flags.regenerate),
        callsPerItem: () => 2,
        spent: () => client.stats.cost,
        ...reporting(ctx),
      });
      finish(summary, [client], flags, ctx, 'synth');
    });

  addLlmOptions(
    program.command('checklist').description('compile scenario- and pattern-level checklists from the graph'),
    false,
  )
    .option('--refine', 'let the model reword the scenario-level items for each scene (ids kept)')
    .action(async (flags: LlmFlags, cmd: Command) => {
      const { scenarios, pctx } = await inputs(flags, cmd, ctx);
      const client = flags.refine
        ? await clientFor(flags, cmd, ctx, modelOf(flags), new CostBudget(flags.maxCost))
        : undefined;
      const summary = await runBatch({
        label: 'checklist',
        items: scenarios,
        out: flags.out,
        concurrency: flags.concurrency,
        work: async (s) =>
          client
            ? (await refineChecklist(s, compileChecklist(s, pctx), client)).value
            : compileChecklist(s, pctx),
        spent: () => client?.stats.cost ?? 0,
        ...reporting(ctx),
      });
      finish(summary, client ? [client] : [], flags, ctx, 'checklist');
    });

  addLlmOptions(
    program.command('judge').description('score each character of each conversation; print IPE / MPD'),
  )
    .option('--runs <k>', 'judge runs per sample (mean ± SD)', parseNumberIn('--runs', 1, 20, true), 3)
    .option('--checklists <file>', 'checklists from psygraph checklist (default: compiled from the graph)')
    .action(async (flags: LlmFlags, cmd: Command) => {
      const { scenarios, pctx } = await inputs(flags, cmd, ctx);
      const checklist = await checklistsFor(flags, withConversation(scenarios, 'judge'), pctx);
      const client = await clientFor(flags, cmd, ctx, modelOf(flags), new CostBudget(flags.maxCost));
      const items = scenarios.flatMap((s) =>
        resolveScenario(s, pctx).cast.map((c) => ({
          id: `${s.id}:${c.label}`,
          scenario: s,
          character: c.label,
        })),
      );
      const summary = await runBatch({
        label: 'judge',
        items,
        out: flags.out,
        concurrency: flags.concurrency,
        work: async ({ scenario, character }) =>
          (
            await judgeCharacter(
              {
                scenario,
                turns: scenario.conversation!,
                character,
                checklist: checklist(scenario),
                model: scenario.provenance?.model ?? 'conversation',
                runs: flags.runs,
              },
              client,
            )
          ).judgement,
        callsPerItem: () => flags.runs,
        spent: () => client.stats.cost,
        ...reporting(ctx),
      });
      if (finish(summary, [client], flags, ctx, 'judge')) await printResults(flags.out, ctx);
    });

  addLlmOptions(
    program
      .command('evaluate')
      .description(
        'role-play a character with --model through saved conversations, judge it, print IPE / MPD',
      ),
  )
    .option('--judge-model <name>', 'the judge (env PSYGRAPH_JUDGE_MODEL; default --model)')
    .option('--character <name|index>', 'the character to play (0 = protagonist)', '0')
    .option('--runs <k>', 'judge runs per sample (mean ± SD)', parseNumberIn('--runs', 1, 20, true), 3)
    .option('--checklists <file>', 'checklists from psygraph checklist (default: compiled from the graph)')
    .action(async (flags: LlmFlags, cmd: Command) => {
      const { scenarios, pctx } = await inputs(flags, cmd, ctx);
      const checklist = await checklistsFor(flags, withConversation(scenarios, 'evaluate'), pctx);
      const budget = new CostBudget(flags.maxCost);
      const target = await clientFor(flags, cmd, ctx, modelOf(flags), budget);
      const judgeModel = flags.judgeModel ?? ctx.env.PSYGRAPH_JUDGE_MODEL ?? target.model;
      const judge =
        judgeModel === target.model ? target : await clientFor(flags, cmd, ctx, judgeModel, budget);
      const items = scenarios.map((s) => ({ id: `${s.id}:${flags.character}:${target.model}`, scenario: s }));
      const summary = await runBatch({
        label: 'evaluate',
        items,
        out: flags.out,
        concurrency: flags.concurrency,
        work: async ({ id, scenario }) => {
          const { judgement } = await evaluateScenario(scenario, pctx, target, {
            character: flags.character,
            runs: flags.runs,
            judge,
            checklist: checklist(scenario),
          });
          return { ...judgement, id };
        },
        callsPerItem: (i) => (i.scenario.conversation?.length ?? 0) / 2 + flags.runs,
        spent: () => budget.spent,
        ...reporting(ctx),
      });
      if (finish(summary, judge === target ? [target] : [target, judge], flags, ctx, 'evaluate'))
        await printResults(flags.out, ctx);
    });
}
