/** psygraph synth: scene, profiles, analysis and conversation for each scenario. */
import type { Command } from 'commander';
import {
  CONVERSATION_MAX_TOKENS,
  CostBudget,
  SCENE_MAX_TOKENS,
  synthesizeScenario,
} from '../../../llm/index.js';
import type { CliContext } from '../../context.js';
import { parseNumberIn } from '../../options.js';
import { addBatchOptions, runItems } from './batch.js';
import { inputs } from './inputs.js';
import { type LlmFlags, addLlmOptions, addMaxTokensOption, clientFor, modelOf } from './options.js';
import { finish, reporting } from './report.js';

export function registerSynthCommand(program: Command, ctx: CliContext): void {
  addMaxTokensOption(
    addLlmOptions(
      addBatchOptions(program.command('synth')).description(
        'write scene, profiles, analysis and conversation for each scenario',
      ),
    ),
    `${SCENE_MAX_TOKENS} for the scene, ${CONVERSATION_MAX_TOKENS} for the conversation`,
  )
    .option(
      '--regenerate <n>',
      'rewrites of a conversation that fails its checks',
      parseNumberIn('--regenerate', 0, 10, true),
      2,
    )
    .action(async (flags: LlmFlags & { regenerate: number }, cmd: Command) => {
      const { scenarios, pctx } = await inputs(flags, cmd, ctx);
      const client = await clientFor(flags, cmd, ctx, modelOf(flags, ctx), new CostBudget(flags.maxCost));
      const summary = await runItems(flags, client, ctx, {
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
}
