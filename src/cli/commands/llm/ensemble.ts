/**
 * Judge ensembles on the command line: `judge --judge-model a,b,c` (runEnsembleJudge) and
 * `judges --judgements FILE`, which re-reads an ensemble file and prints the agreement report.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  type ChecklistRecord,
  CostBudget,
  type EnsembleJudgement,
  EnsembleJudgementSchema,
  type EnsembleReportOptions,
  ensembleReport,
  ensembleText,
  judgeEnsemble,
  metricsByModel,
  resultsTable,
  runBatch,
} from '../../../llm/index.js';
import { InvalidInputError, type Scenario } from '../../../model/index.js';
import { readJsonLines } from '../../../read-input.js';
import type { CliContext } from '../../context.js';
import { parseNumberIn } from '../../options.js';
import { type LlmFlags, clientFor, modelOf } from './options.js';
import { judgeTargetOf } from './inputs.js';
import { finish, reporting } from './report.js';

/**
 * The judge model(s) of `judge`: --judge-model (a comma-separated list; env PSYGRAPH_JUDGE_MODEL),
 * else --model / PSYGRAPH_MODEL as before. Empty names and repeats are the caller's mistake.
 */
export function judgeModelsOf(flags: LlmFlags, ctx: CliContext): string[] {
  const given = flags.judgeModel ?? ctx.env.PSYGRAPH_JUDGE_MODEL;
  if (given === undefined) {
    const model = modelOf(flags, ctx);
    return model ? [model] : [];
  }
  const flag = flags.judgeModel !== undefined ? '--judge-model' : 'PSYGRAPH_JUDGE_MODEL';
  const names = given.split(',').map((n) => n.trim());
  if (names.some((n) => !n))
    throw new InvalidInputError(
      `${flag}: an empty judge name in "${given}" (give names separated by commas)`,
    );
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated) throw new InvalidInputError(`${flag}: judge "${repeated}" is named twice`);
  return names;
}

/** The JSON objects already in an output file; a torn last line (an interrupted run) is left out. */
export async function existingLines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    try {
      const v: unknown = JSON.parse(line);
      return v && typeof v === 'object' ? [v as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

/**
 * A resumed --out must hold judgements by the same judge(s): an ensemble file takes only the same
 * ensemble, a single judge's file no ensemble lines, so that the file reads as one result.
 */
export async function checkOutJudges(out: string, judges: readonly string[]): Promise<void> {
  const want = judges.join(',');
  for (const line of await existingLines(out)) {
    const ensemble = line.ensemble as { judges?: unknown } | undefined;
    const have = ensemble && Array.isArray(ensemble.judges) ? ensemble.judges.join(',') : undefined;
    if (judges.length > 1 ? have !== want : have !== undefined)
      throw new InvalidInputError(
        `--out: ${out} holds judgements by ${have ?? `the single judge ${String(line.judgeModel)}`}, not by ${want}; resume with the same --judge-model or choose a new --out`,
      );
  }
}

export const ENSEMBLE_REPORT_DEFAULTS: EnsembleReportOptions = { seed: 1, resamples: 1000, top: 10 };

export interface EnsembleItem {
  id: string;
  scenario: Scenario;
  character: string;
}

/** `judge` with two or more judges: one ensemble line per sample, then the table and agreement report. */
export async function runEnsembleJudge(
  flags: LlmFlags,
  cmd: Command,
  ctx: CliContext,
  judges: readonly string[],
  items: readonly EnsembleItem[],
  checklist: (s: Scenario) => ChecklistRecord,
): Promise<void> {
  const client = await clientFor(flags, cmd, ctx, judges[0], new CostBudget(flags.maxCost));
  const unpriced = judges.filter((j) => !client.hasPrice(j));
  if ((flags.maxCost !== undefined || flags.dryRun) && unpriced.length)
    throw new InvalidInputError(
      `--prices: no price for judge model "${unpriced[0]}", so ${flags.dryRun ? '--dry-run' : '--max-cost'} cannot estimate; add it with --prices FILE`,
    );
  const summary = await runBatch({
    label: 'judge',
    items,
    out: flags.out,
    concurrency: flags.concurrency,
    work: ({ scenario, character }) =>
      judgeEnsemble(judgeTargetOf(flags, scenario, character, checklist), judges, client),
    // judgeEnsemble adds up every judge's estimate itself
    callsPerItem: () => 1,
    spent: () => client.stats.cost,
    ...reporting(ctx),
  });
  if (!finish(summary, [client], flags, ctx, 'judge')) return;
  const lines = await readEnsembleFile(flags.out, '--out');
  if (!lines.length) {
    ctx.io.err(`judge: no judgements in ${flags.out} yet, so there is no IPE / MPD table`);
    return;
  }
  ctx.io.out(resultsTable(metricsByModel(lines)));
  ctx.io.out('');
  ctx.io.out(ensembleText(ensembleReport(lines, ENSEMBLE_REPORT_DEFAULTS)));
}

async function readEnsembleFile(file: string, flag: string): Promise<EnsembleJudgement[]> {
  const exists = await stat(file).then(
    (s) => s.size > 0,
    () => false,
  );
  return exists ? readJsonLines(file, flag, EnsembleJudgementSchema) : [];
}

export function registerJudgesCommand(program: Command, ctx: CliContext): void {
  program
    .command('judges')
    .description(
      'inter-judge agreement of an ensemble file (judge --judge-model a,b,…): κ per pair, α, the items they split on',
    )
    .requiredOption('--judgements <file>', 'JSON lines from judge --judge-model a,b,…')
    .option('--json', 'print the report as JSON')
    .option('--top <n>', 'most-disagreed items to list', parseNumberIn('--top', 0, 100_000, true), 10)
    .option('--seed <s>', 'bootstrap seed', parseNumberIn('--seed', 0, 2 ** 32 - 1, true), 1)
    .option('--resamples <b>', 'bootstrap resamples', parseNumberIn('--resamples', 100, 100_000, true), 1000)
    .action(
      async (flags: { judgements: string; json?: boolean; top: number; seed: number; resamples: number }) => {
        const lines = await readJsonLines(flags.judgements, '--judgements', EnsembleJudgementSchema);
        if (!lines.length)
          throw new InvalidInputError(`--judgements: ${flags.judgements} holds no ensemble judgements`);
        const report = ensembleReport(lines, {
          seed: flags.seed,
          resamples: flags.resamples,
          top: flags.top,
        });
        ctx.io.out(
          flags.json
            ? JSON.stringify(report, (_k, v: unknown) => (Number.isNaN(v) ? null : v), 2)
            : ensembleText(report),
        );
      },
    );
}
