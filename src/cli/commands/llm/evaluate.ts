/** psygraph evaluate: role-play a character through saved conversations, judge it, print IPE / MPD. */
import type { Command } from 'commander';
import { CostBudget, evaluateScenario, runBatch } from '../../../llm/index.js';
import type { CliContext } from '../../context.js';
import { parseNumberIn } from '../../options.js';
import { checklistsFor, inputs, withConversation } from './inputs.js';
import { type LlmFlags, addLlmOptions, addMaxTokensOption, clientFor, modelOf } from './options.js';
import { finish, printResults, reporting } from './report.js';

export function registerEvaluateCommand(program: Command, ctx: CliContext): void {
  addMaxTokensOption(
    addLlmOptions(
      program
        .command('evaluate')
        .description(
          'role-play a character with --model through saved conversations, judge it, print IPE / MPD',
        ),
    ),
    '400 per role-play turn, 4000 per judge call',
  )
    .option('--judge-model <name>', 'the judge (env PSYGRAPH_JUDGE_MODEL; default --model)')
    .option('--character <name|index>', 'the character to play (0 = protagonist)', '0')
    .option('--runs <k>', 'judge runs per sample (mean ± SD)', parseNumberIn('--runs', 1, 20, true), 3)
    .option('--checklists <file>', 'checklists from psygraph checklist (default: compiled from the graph)')
    .action(async (flags: LlmFlags, cmd: Command) => {
      const { scenarios, pctx } = await inputs(flags, cmd, ctx);
      const checklist = await checklistsFor(flags, withConversation(scenarios, 'evaluate'), pctx);
      const budget = new CostBudget(flags.maxCost);
      const target = await clientFor(flags, cmd, ctx, modelOf(flags, ctx), budget);
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
        await printResults(flags.out, ctx, 'evaluate');
    });
}
