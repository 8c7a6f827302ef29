#!/usr/bin/env node
/**
 * The `psygraph` command. Exit codes: 0 success, 2 the caller's mistake (bad flag, bad input,
 * unknown id), 1 anything else (a bug, an unreachable store).
 */
import { CommanderError } from 'commander';
import { PsygraphError, formatProblem } from '../model/index.js';
import { flagName } from './flags.js';
import { processOutput } from './output.js';
import { createProgram } from './program.js';

async function main(argv: string[]): Promise<number> {
  const ctx = { io: processOutput, env: process.env };
  try {
    await createProgram(ctx).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its message
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof PsygraphError) {
      ctx.io.err(`psygraph: ${err.render(flagName)}`);
      const problems = (err.details as { problems?: Parameters<typeof formatProblem>[0][] } | undefined)
        ?.problems;
      for (const p of problems ?? []) ctx.io.err(`  ${formatProblem(p, flagName)}`);
      return err.callerFault ? 2 : 1;
    }
    ctx.io.err(
      `psygraph: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}

// A reader that goes away (`psygraph relations | head`) ends the command quietly, as Unix tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
