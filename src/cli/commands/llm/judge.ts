/** psygraph judge: score each character of each conversation; print IPE / MPD. */
import type { Command } from 'commander';
import { CostBudget, JUDGE_MAX_TOKENS, judgeCharacter } from '../../../llm/index.js';
import { InvalidInputError } from '../../../model/index.js';
import { resolveScenario } from '../../../prompt/index.js';
import type { CliContext } from '../../context.js';
import { parseNumberIn } from '../../options.js';
import { addBatchOptions, runItems } from './batch.js';
import { checklistsFor, inputs, judgeTargetOf, withConversation } from './inputs.js';
import { checkOutJudges, judgeModelsOf, runEnsembleJudge } from './ensemble.js';
import { type LlmFlags, addLlmOptions, addMaxTokensOption, clientFor } from './options.js';
import { finish, printResults, reporting } from './report.js';

export function registerJudgeCommand(program: Command, ctx: CliContext): void {
  addMaxTokensOption(
    addLlmOptions(
      addBatchOptions(program.command('judge')).description(
        'score each character of each conversation; print IPE / MPD',
      ),
    ),
    `${JUDGE_MAX_TOKENS}`,
  )
    .option(
      '--temperature <t>',
      'judge sampling temperature, recorded on each judgement (default: the server default)',
      parseNumberIn('--temperature', 0, 2),
    )
    .option(
      '--judge-model <names>',
      'the judge, or several separated by commas for an ensemble (env PSYGRAPH_JUDGE_MODEL; default --model)',
    )
    .option('--runs <k>', 'judge runs per sample (mean ± SD)', parseNumberIn('--runs', 1, 20, true), 3)
    .option('--checklists <file>', 'checklists from psygraph checklist (default: compiled from the graph)')
    .action(async (flags: LlmFlags, cmd: Command) => {
      const judges = judgeModelsOf(flags, ctx);
      await checkOutJudges(flags.out, judges);
      const { scenarios, pctx } = await inputs(flags, cmd, ctx);
      const checklist = await checklistsFor(flags, withConversation(scenarios, 'judge'), pctx);
      const items = scenarios.flatMap((s) =>
        // scene partners carry no pattern, so there is nothing of theirs to judge
        resolveScenario(s, pctx)
          .cast.filter((c) => c.patterns.length)
          .map((c) => ({
            id: `${s.id}:${c.label}`,
            scenario: s,
            character: c.label,
          })),
      );
      if (judges.length > 1) {
        if (flags.batch)
          throw new InvalidInputError(
            '--batch: one judge model at a time (run each --judge-model on its own)',
          );
        return runEnsembleJudge(flags, cmd, ctx, judges, items, checklist);
      }
      const client = await clientFor(flags, cmd, ctx, judges[0], new CostBudget(flags.maxCost));
      const summary = await runItems(flags, client, ctx, {
        label: 'judge',
        items,
        out: flags.out,
        concurrency: flags.concurrency,
        work: async ({ scenario, character }) =>
          (await judgeCharacter(judgeTargetOf(flags, scenario, character, checklist), client)).judgement,
        callsPerItem: () => flags.runs,
        spent: () => client.stats.cost,
        ...reporting(ctx),
      });
      if (finish(summary, [client], flags, ctx, 'judge')) await printResults(flags.out, ctx, 'judge');
    });
}
