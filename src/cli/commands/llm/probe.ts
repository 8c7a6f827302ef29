/**
 * psygraph probe-judge: paired bias probes on the same conversations (item order shuffled, padded
 * length, desirability swap), one resumable JSON line per sample, then each probe's mean shift
 * with a 95% bootstrap interval and whether the judge passed.
 */
import { stat } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import {
  CostBudget,
  JUDGE_MAX_TOKENS,
  PROBES,
  type Probe,
  ProbeLineSchema,
  probeReport,
  probeSample,
  probeText,
  runBatch,
} from '../../../llm/index.js';
import { InvalidInputError } from '../../../model/index.js';
import { resolveScenario } from '../../../prompt/index.js';
import { readJsonLines } from '../../../read-input.js';
import type { CliContext } from '../../context.js';
import { parseNumberIn } from '../../options.js';
import { existingLines, judgeModelsOf } from './ensemble.js';
import { checklistsFor, inputs, judgeTargetOf, withConversation } from './inputs.js';
import { type LlmFlags, addLlmOptions, addMaxTokensOption, clientFor, modelOf } from './options.js';
import { finish, reporting } from './report.js';

interface ProbeFlags extends LlmFlags {
  probes?: Probe[];
  seed: number;
  json?: boolean;
}

/** --probes order,padding,desirability: a comma-separated subset, in the listed order, no repeats. */
function parseProbes(value: string): Probe[] {
  const names = value.split(',').map((v) => v.trim());
  for (const n of names)
    if (!(PROBES as readonly string[]).includes(n))
      throw new InvalidArgumentError(`--probes must be a list of ${PROBES.join(', ')} (got "${n}")`);
  return PROBES.filter((p) => names.includes(p));
}

export function registerProbeCommand(program: Command, ctx: CliContext): void {
  addMaxTokensOption(
    addLlmOptions(
      program
        .command('probe-judge')
        .description(
          'bias probes for a judge: item order shuffled, padded length, desirability swap; the mean shift of each',
        ),
    ),
    `${JUDGE_MAX_TOKENS} per judge call, 3000 per rewrite`,
  )
    .option('--judge-model <name>', 'the judge to probe (env PSYGRAPH_JUDGE_MODEL; default --model)')
    .option(
      '--probes <list>',
      `which probes, comma-separated: ${PROBES.join(', ')} (default: all three)`,
      parseProbes,
    )
    .option(
      '--seed <s>',
      'seed of the item shuffle and the bootstrap',
      parseNumberIn('--seed', 0, 2 ** 32 - 1, true),
      1,
    )
    .option('--runs <k>', 'judge runs per conversation and variant', parseNumberIn('--runs', 1, 20, true), 1)
    .option(
      '--temperature <t>',
      'judge sampling temperature (default: the server default)',
      parseNumberIn('--temperature', 0, 2),
    )
    .option('--checklists <file>', 'checklists from psygraph checklist (default: compiled from the graph)')
    .option('--json', 'print the report as JSON')
    .action(async (given: ProbeFlags, cmd: Command) => {
      const flags = { ...given, probes: given.probes ?? [...PROBES] };
      const judges = judgeModelsOf(flags, ctx);
      if (judges.length > 1)
        throw new InvalidInputError(
          `--judge-model: probe-judge probes one judge at a time (got ${judges.length}: ${judges.join(', ')})`,
        );
      const judgeModel = judges[0];
      // the rewriter: --model, else the judge itself
      const rewriteModel = modelOf(flags, ctx) ?? judgeModel;
      for (const line of await existingLines(flags.out)) {
        const same =
          line.judgeModel === judgeModel &&
          line.seed === flags.seed &&
          JSON.stringify(line.probes) === JSON.stringify(flags.probes);
        if (!same)
          throw new InvalidInputError(
            `--out: ${flags.out} holds probes ${JSON.stringify(line.probes)} of judge ${String(line.judgeModel)} with seed ${String(line.seed)}; resume with the same --judge-model, --probes and --seed or choose a new --out`,
          );
      }
      const { scenarios, pctx } = await inputs(flags, cmd, ctx);
      const checklist = await checklistsFor(flags, withConversation(scenarios, 'probe-judge'), pctx);
      const client = await clientFor(flags, cmd, ctx, judgeModel, new CostBudget(flags.maxCost));
      if (
        (flags.maxCost !== undefined || flags.dryRun) &&
        flags.probes.includes('desirability') &&
        rewriteModel &&
        !client.hasPrice(rewriteModel)
      )
        throw new InvalidInputError(
          `--prices: no price for the rewriting model "${rewriteModel}", so ${flags.dryRun ? '--dry-run' : '--max-cost'} cannot estimate; add it with --prices FILE`,
        );
      const items = scenarios.flatMap((s) =>
        resolveScenario(s, pctx)
          .cast.filter((c) => c.patterns.length)
          .map((c) => ({ id: `${s.id}:${c.label}`, scenario: s, character: c.label, patterns: c.patterns })),
      );
      const summary = await runBatch({
        label: 'probe-judge',
        items,
        out: flags.out,
        concurrency: flags.concurrency,
        work: ({ id, scenario, character, patterns }) =>
          probeSample(
            {
              ...judgeTargetOf(flags, scenario, character, checklist),
              id,
              judgeModel: judgeModel!,
              rewriteModel: rewriteModel!,
              patterns,
            },
            flags.probes,
            flags.seed,
            client,
          ),
        // probeSample adds up the estimate of every call it would make
        callsPerItem: () => 1,
        spent: () => client.stats.cost,
        ...reporting(ctx),
      });
      if (!finish(summary, [client], flags, ctx, 'probe-judge')) return;
      const exists = await stat(flags.out).then(
        (s) => s.size > 0,
        () => false,
      );
      const lines = exists ? await readJsonLines(flags.out, '--out', ProbeLineSchema) : [];
      if (!lines.length) {
        ctx.io.err(`probe-judge: no probed samples in ${flags.out} yet, so there is no report`);
        return;
      }
      const report = probeReport(lines, { seed: flags.seed, resamples: 1000 });
      ctx.io.out(
        flags.json
          ? JSON.stringify(report, (_k, v: unknown) => (Number.isNaN(v) ? null : v), 2)
          : probeText(report),
      );
    });
}
