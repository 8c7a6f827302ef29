import type { Command } from 'commander';
import { InvalidInputError, formatProblem, graphHash } from '../../model/index.js';
import { SHIPPED_SEED_DIR, checkSeed } from '../../store/seed.js';
import type { CliContext } from '../context.js';

export function registerValidateCommand(program: Command, ctx: CliContext): void {
  program
    .command('validate [dir]')
    .description(
      'check a seed directory (default: the shipped seed) and list every problem with file and path',
    )
    .option('--json', 'print {ok, counts, problems} as JSON')
    .action(async (dir: string | undefined, opts: { json?: boolean }) => {
      const { catalog, problems } = await checkSeed(dir ?? SHIPPED_SEED_DIR);
      const counts = {
        patterns: catalog.patterns.length,
        relations: catalog.relations.length,
        situations: catalog.situations.length,
      };
      if (opts.json) {
        ctx.io.out(JSON.stringify({ ok: problems.length === 0, counts, problems }, null, 2));
        if (problems.length) process.exitCode = 2;
        return;
      }
      if (problems.length) {
        for (const p of problems) ctx.io.err(formatProblem(p));
        throw new InvalidInputError(`${problems.length} problem(s) found`);
      }
      ctx.io.out(
        `ok: ${counts.patterns} patterns, ${counts.relations} relations, ${counts.situations} situations ` +
          `(graphHash ${graphHash(catalog.patterns, catalog.relations)})`,
      );
    });
}
