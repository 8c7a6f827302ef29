import { Command } from 'commander';
import { registerCatalogCommands } from './commands/catalog.js';
import { registerGraphCommands } from './commands/graph.js';
import { registerPathsCommand } from './commands/paths.js';
import { registerLlmCommands } from './commands/llm/index.js';
import { registerPromptCommands } from './commands/prompt/index.js';
import { registerSampleCommands } from './commands/sample.js';
import { registerServeCommand } from './commands/serve.js';
import { registerValidateCommand } from './commands/validate.js';
import type { CliContext } from './context.js';

export function createProgram(ctx: CliContext): Command {
  const program = new Command('psygraph')
    .description('A causal graph of human psychological patterns: browse, sample scenarios, compile prompts.')
    .version('0.1.0')
    .option('--store <kind>', 'memory | neo4j (env PSYGRAPH_STORE; default memory)')
    .option(
      '--data-dir <dir>',
      'where the memory store keeps its files (env PSYGRAPH_DATA_DIR; default .psygraph)',
    )
    .option('--seed-dir <dir>', 'seed directory the memory store starts from (default: the shipped seed)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
    });
  registerCatalogCommands(program, ctx);
  registerValidateCommand(program, ctx);
  registerGraphCommands(program, ctx);
  registerPathsCommand(program, ctx);
  registerSampleCommands(program, ctx);
  registerPromptCommands(program, ctx);
  registerLlmCommands(program, ctx);
  registerServeCommand(program, ctx);
  for (const command of program.commands) command.exitOverride();
  return program;
}
