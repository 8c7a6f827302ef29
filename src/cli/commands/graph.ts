/** Whole-graph commands: lint, analyze, export, load. */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { analyzeGraph } from '../../analysis/analyze.js';
import { EXPORT_FORMATS, type ExportFormat, exportGraph } from '../../analysis/export.js';
import { type LintItem, lintGraph } from '../../analysis/lint.js';
import { traitBlocks, traitMatrix, traitMatrixCsv } from '../../analysis/traits.js';
import { TRAIT_VERDICTS } from '../../model/index.js';
import { SHIPPED_SEED_DIR, loadSeed, loadTraitVerdicts } from '../../store/seed.js';
import { type CliContext, configFor, withStore } from '../context.js';
import { table } from '../output.js';
import { parseNumberIn } from '../options.js';

export function registerGraphCommands(program: Command, ctx: CliContext): void {
  program
    .command('lint')
    .description('check the graph as a whole; errors exit 1, review items are listed but do not fail')
    .option(
      '--min-edges <n>',
      'minimum causal edges per pattern',
      parseNumberIn('--min-edges', 0, 1000, true),
      4,
    )
    .option('--errors-only', 'do not list review items')
    .option('--json', 'print {errors, review} as JSON')
    .action(async (opts: { minEdges: number; errorsOnly?: boolean; json?: boolean }, cmd: Command) => {
      const catalog = await withStore(cmd, ctx, (s) => s.snapshot());
      const traitVerdicts = await loadTraitVerdicts(configFor(cmd, ctx).seedDir);
      const report = lintGraph(catalog, { minCausalEdges: opts.minEdges, traitVerdicts });
      if (opts.json) ctx.io.out(JSON.stringify(report, null, 2));
      else {
        const show = (title: string, items: LintItem[]) => {
          ctx.io.out(`${title} (${items.length})`);
          for (const i of items)
            ctx.io.out(
              `  [${i.rule}] ${i.message}${i.relations.length ? `\n      ${i.relations.join(', ')}` : ''}`,
            );
        };
        show('errors', report.errors);
        if (!opts.errorsOnly) show('review', report.review);
      }
      if (report.errors.length) process.exitCode = 1;
    });

  program
    .command('traits')
    .description(
      'the trait matrix: one verdict for every pair of trait adjectives (EXCLUDES, CONFLICTS, MODULATES, REINFORCES or compatible); a summary per dimension block',
    )
    .option('--json', 'print every pair as a JSON array of {a, b, verdict, relations?, reason?}')
    .option('--jsonl', 'print every pair as JSON lines')
    .option('--csv', 'print every pair as CSV (a, b, verdict, relations, reason) for spreadsheets')
    .action(async (opts: { json?: boolean; jsonl?: boolean; csv?: boolean }, cmd: Command) => {
      const catalog = await withStore(cmd, ctx, (s) => s.snapshot());
      const pairs = traitMatrix(catalog, await loadTraitVerdicts(configFor(cmd, ctx).seedDir));
      if (opts.csv) return ctx.io.out(traitMatrixCsv(pairs));
      if (opts.jsonl) return ctx.io.out(pairs.map((p) => JSON.stringify(p)).join('\n'));
      if (opts.json) return ctx.io.out(JSON.stringify(pairs, null, 2));
      const rows = traitBlocks(catalog, pairs).map((b) => [
        b.block,
        String(b.pairs),
        ...TRAIT_VERDICTS.map((v) => String(b.verdicts[v])),
      ]);
      ctx.io.out(table([['block', 'pairs', ...TRAIT_VERDICTS], ...rows]));
    });

  program
    .command('analyze')
    .description('degree, type mix, communities (Louvain), centrality and cross-kind counts')
    .option('--seed <n>', 'seed for community detection', parseNumberIn('--seed', 0, 2 ** 32 - 1, true), 42)
    .option('--top <n>', 'length of the top lists', parseNumberIn('--top', 1, 1000, true), 10)
    .option('--json', 'print the full analysis as JSON')
    .action(async (opts: { seed: number; top: number; json?: boolean }, cmd: Command) => {
      const catalog = await withStore(cmd, ctx, (s) => s.snapshot());
      const analysis = analyzeGraph(catalog, { seed: opts.seed, top: opts.top });
      if (opts.json) return ctx.io.out(JSON.stringify(analysis, null, 2));
      const s = analysis.summary;
      ctx.io.out(`${s.patterns} patterns, ${s.causalEdges} causal edges ${JSON.stringify(s.byType)}`);
      ctx.io.out(`cross-kind: ${JSON.stringify(s.crossKind)}`);
      ctx.io.out(`${s.communities} communities, modularity ${s.modularity}`);
      for (const [name, list] of Object.entries(analysis.top)) {
        ctx.io.out(`top ${name}: ${list.map((x) => `${x.id} (${Object.values(x)[1]})`).join(', ')}`);
      }
    });

  program
    .command('export')
    .description('write the whole graph as graphology JSON, GEXF, GraphML or a Cypher script')
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('json'))
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .action(async (opts: { format: ExportFormat; out?: string }, cmd: Command) => {
      const catalog = await withStore(cmd, ctx, (s) => s.snapshot());
      const text = exportGraph(catalog, opts.format);
      if (!opts.out) return ctx.io.out(text);
      const tmp = `${opts.out}.tmp-${process.pid}`;
      await new Promise<void>((resolve, reject) => {
        const stream = createWriteStream(tmp);
        stream.on('error', reject);
        stream.end(text, () => resolve());
      });
      await rename(tmp, opts.out);
      ctx.io.err(
        `wrote ${opts.out} (${opts.format}, ${catalog.patterns.length} patterns, ${catalog.relations.length} relations)`,
      );
    });

  program
    .command('load')
    .description('write a seed directory (default: the shipped seed) into the store; idempotent')
    .option('--from <dir>', 'seed directory to load', SHIPPED_SEED_DIR)
    .option('--prune', 'also remove patterns, relations and situations the seed no longer has')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { from: string; prune?: boolean; json?: boolean }, cmd: Command) => {
      const catalog = await loadSeed(opts.from);
      const started = Date.now();
      const result = await withStore(cmd, ctx, (s) =>
        s.replaceCatalog(catalog, { prune: Boolean(opts.prune) }),
      );
      const ms = Date.now() - started;
      if (opts.json) return ctx.io.out(JSON.stringify({ ...result, ms }, null, 2));
      ctx.io.out(
        `loaded ${result.patterns} patterns, ${result.relations} relations, ${result.situations} situations in ${ms} ms` +
          (opts.prune ? `; removed ${JSON.stringify(result.removed)}` : ''),
      );
    });
}
