/** `psygraph paths <from> <to>`: how one pattern reaches another (see src/analysis/paths.ts). */
import type { Command } from 'commander';
import {
  DEFAULT_PATH_K,
  DEFAULT_PATH_LENGTH,
  MAX_PATH_K,
  MAX_PATH_LENGTH,
  type PathsResult,
} from '../../analysis/paths.js';
import { runPaths } from '../../contract/paths.js';
import type { RelationType } from '../../model/index.js';
import { type CliContext, withStore } from '../context.js';
import { parseNumberIn, parseRelationType } from '../options.js';

const ARROW = { forward: '→', backward: '←', both: '↔' };

/** The paths as people read them: the reading, then one line per step with its rationale. */
export function renderPaths(result: PathsResult): string {
  if (!result.paths.length) return result.message ?? 'no path';
  return result.paths
    .map((p, i) => {
      const head = `${i + 1}. [${p.sign}] ${p.reading}  (${p.steps.length} step${p.steps.length > 1 ? 's' : ''}, strength ${p.strength})`;
      const steps = p.steps.map((s) => {
        const symmetric = s.type === 'CONFLICTS' || s.type === 'EXCLUDES';
        const arrow = symmetric ? ARROW.both : s.forward ? ARROW.forward : ARROW.backward;
        const extra = [s.effect, s.scope].filter(Boolean).join(', ');
        return (
          `   ${s.from} ${arrow} ${s.type} ${arrow} ${s.to}  ${s.strength.toFixed(2)} ${s.sign}` +
          `${extra ? ` (${extra})` : ''}\n      ${s.rationale}`
        );
      });
      return [head, ...steps].join('\n');
    })
    .join('\n\n');
}

export function registerPathsCommand(program: Command, ctx: CliContext): void {
  program
    .command('paths <from> <to>')
    .description(
      'the k best paths from one pattern to another: fewest steps first, then strongest; each with its signed reading',
    )
    .option(
      '--k <n>',
      `how many paths (default ${DEFAULT_PATH_K})`,
      parseNumberIn('--k', 1, MAX_PATH_K, true),
      DEFAULT_PATH_K,
    )
    .option(
      '--types <types>',
      'relation types to follow, comma-separated (default REINFORCES,CONFLICTS,MODULATES)',
      parseRelationType('--types'),
    )
    .option(
      '--max-length <n>',
      `at most this many steps (default ${DEFAULT_PATH_LENGTH})`,
      parseNumberIn('--max-length', 1, MAX_PATH_LENGTH, true),
      DEFAULT_PATH_LENGTH,
    )
    .option('--json', 'print {from, to, k, types, maxLength, paths, message?} as JSON')
    .action(
      async (
        from: string,
        to: string,
        opts: { k: number; types?: RelationType[]; maxLength: number; json?: boolean },
        cmd: Command,
      ) => {
        const result = await withStore(cmd, ctx, (store) =>
          runPaths(store, {
            from,
            to,
            k: opts.k,
            maxLength: opts.maxLength,
            ...(opts.types ? { types: opts.types } : {}),
          }),
        );
        if (opts.json) return ctx.io.out(JSON.stringify(result, null, 2));
        if (!result.paths.length) return ctx.io.err(result.message ?? 'no path');
        ctx.io.out(renderPaths(result));
      },
    );
}
