/** psygraph checklist: scenario- and pattern-level checklists from the graph, optionally refined by a model. */
import type { Command } from 'commander';
import { CostBudget, compileChecklist, refineChecklist, runBatch } from '../../../llm/index.js';
import type { CliContext } from '../../context.js';
import { inputs } from './inputs.js';
import { type LlmFlags, addLlmOptions, clientFor, modelOf } from './options.js';
import { finish, reporting } from './report.js';

export function registerChecklistCommand(program: Command, ctx: CliContext): void {
  addLlmOptions(
    program.command('checklist').description('compile scenario- and pattern-level checklists from the graph'),
    false,
  )
    .option('--refine', 'let the model reword the scenario-level items for each scene (ids kept)')
    .action(async (flags: LlmFlags, cmd: Command) => {
      const { scenarios, pctx } = await inputs(flags, cmd, ctx);
      const client = flags.refine
        ? await clientFor(flags, cmd, ctx, modelOf(flags, ctx), new CostBudget(flags.maxCost))
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
}
