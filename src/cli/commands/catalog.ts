/** Read-only commands over the catalog: stats, patterns, pattern, relations, situations. */
import { type Command, Option } from 'commander';
import { NotFoundError, type Pattern, type RelationType, patternFamily } from '../../model/index.js';
import type { PatternNeighbourhood } from '../../store/graph-store.js';
import { type CliContext, withStore } from '../context.js';
import { parseNumberIn, parseRelationType } from '../options.js';
import { type ListFormat, printList, table, terminalWidth, wrap } from '../output.js';

const jsonOption = () => new Option('--json', 'print a JSON array');
const jsonlOption = () => new Option('--jsonl', 'print JSON lines, one object per line');

export function registerCatalogCommands(program: Command, ctx: CliContext): void {
  program
    .command('stats')
    .description('counts of patterns, relations by type, situations and scenarios, and the graph hash')
    .addOption(jsonOption())
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const stats = await withStore(cmd, ctx, (s) => s.stats());
      if (opts.json) return ctx.io.out(JSON.stringify(stats, null, 2));
      ctx.io.out(
        table([
          ['patterns', String(stats.patterns)],
          ['relations', String(stats.relations)],
          ...Object.entries(stats.byType).map(([t, n]) => [`  ${t}`, String(n)]),
          ['situations', String(stats.situations)],
          ['scenarios', String(stats.scenarios)],
          ['graphHash', stats.graphHash],
        ]),
      );
    });

  program
    .command('patterns')
    .description('list patterns')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(['trait', 'social-cognitive']))
    .option('--search <text>', 'id, name or alias contains this text (case-insensitive)')
    .addOption(jsonOption())
    .addOption(jsonlOption())
    .action(
      async (opts: ListFormat & { kind?: 'trait' | 'social-cognitive'; search?: string }, cmd: Command) => {
        const patterns = await withStore(cmd, ctx, (s) =>
          s.listPatterns({
            ...(opts.kind ? { kind: opts.kind } : {}),
            ...(opts.search ? { search: opts.search } : {}),
          }),
        );
        if (!opts.json && !opts.jsonl) {
          if (!patterns.length) return ctx.io.err('no patterns match');
          return ctx.io.out(table(patterns.map((p) => [p.id, p.kind, familyLabel(p)])));
        }
        printList(ctx.io, patterns, opts, (p) => p.id);
      },
    );

  program
    .command('pattern <id>')
    .description('show one pattern with its neighbours')
    .addOption(jsonOption())
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const hood = await withStore(cmd, ctx, (s) => s.getNeighbourhood(id)).catch(async (err: unknown) => {
        if (err instanceof NotFoundError) {
          const near = await withStore(cmd, ctx, (s) => s.listPatterns({ search: id.split('-')[0] ?? id }));
          const hint = near.length
            ? ` (did you mean: ${near
                .slice(0, 5)
                .map((p) => p.id)
                .join(', ')}?)`
            : '';
          throw new NotFoundError(`unknown pattern "${id}"${hint}`);
        }
        throw err;
      });
      if (opts.json) return ctx.io.out(JSON.stringify(hood, null, 2));
      ctx.io.out(renderPattern(hood, terminalWidth()));
    });

  program
    .command('relations')
    .description('list relations')
    .option('--type <types>', 'only these types (comma-separated or repeated)', parseRelationType('--type'))
    .option('--pattern <id>', 'only relations touching this pattern')
    .option(
      '--min-strength <n>',
      'only relations at least this strong (0-1)',
      parseNumberIn('--min-strength', 0, 1),
    )
    .addOption(jsonOption())
    .addOption(jsonlOption())
    .action(
      async (
        opts: ListFormat & { type?: RelationType[]; pattern?: string; minStrength?: number },
        cmd: Command,
      ) => {
        const relations = await withStore(cmd, ctx, async (s) => {
          if (opts.pattern && !(await s.getPattern(opts.pattern))) {
            throw new NotFoundError(`--pattern: unknown pattern "${opts.pattern}"`);
          }
          return s.listRelations({
            ...(opts.type ? { type: opts.type } : {}),
            ...(opts.pattern ? { pattern: opts.pattern } : {}),
            ...(opts.minStrength !== undefined ? { minStrength: opts.minStrength } : {}),
          });
        });
        if (!opts.json && !opts.jsonl) {
          if (!relations.length) return ctx.io.err('no relations match');
          return ctx.io.out(table(relations.map((r) => [r.source, r.type, r.target, r.strength.toFixed(2)])));
        }
        printList(ctx.io, relations, opts, (r) => r.id);
      },
    );

  program
    .command('situations')
    .description('list situations (DIAMONDS types and life domains)')
    .addOption(jsonOption())
    .addOption(jsonlOption())
    .action(async (opts: ListFormat, cmd: Command) => {
      const situations = await withStore(cmd, ctx, (s) => s.listSituations());
      if (!opts.json && !opts.jsonl) {
        return ctx.io.out(table(situations.map((s) => [s.id, s.family, s.definition])));
      }
      printList(ctx.io, situations, opts, (s) => s.id);
    });
}

function familyLabel(p: Pattern): string {
  return p.kind === 'trait' ? `${p.dimension} ${p.pole}` : patternFamily(p);
}

const ARROWS = { out: '->', in: '<-', both: '--' } as const;

/** A pattern laid out for reading in a terminal. */
export function renderPattern({ pattern: p, neighbours }: PatternNeighbourhood, width: number): string {
  const section = (title: string) => `\n${title}`;
  const lines = [
    `${p.name}  (${p.id})`,
    `${p.kind}, ${familyLabel(p)}${p.aliases?.length ? `; also: ${p.aliases.join(', ')}` : ''}`,
    '',
    wrap(p.definition, width),
    section('Mechanisms'),
    ...(['cognitive', 'emotional', 'behavioral'] as const).map((k) =>
      wrap(`${k}: ${p.mechanisms[k]}`, width, '  '),
    ),
    section('Manifestations'),
    ...p.manifestations.map((m) => wrap(`- ${m}`, width, '  ')),
    section(`Checklist (${p.checklist.length})`),
    ...p.checklist.map((c, i) => wrap(`${String(i + 1).padStart(2)}. ${c.question}`, width, '  ')),
  ];
  if (p.distinctFrom?.length) {
    lines.push(section('Not to be confused with'));
    lines.push(...p.distinctFrom.map((d) => wrap(`${d.id}: ${d.difference}`, width, '  ')));
  }
  for (const [type, list] of Object.entries(neighbours)) {
    if (!list.length) continue;
    lines.push(section(`${type} (${list.length})`));
    for (const n of list) {
      const cond =
        n.relation.type === 'MODULATES' ? ` [${n.relation.effect} when: ${n.relation.condition}]` : '';
      lines.push(
        wrap(
          `${ARROWS[n.direction]} ${n.pattern.id} (${n.relation.strength.toFixed(2)})${cond}`,
          width,
          '  ',
        ),
      );
    }
  }
  if (p.references?.length) {
    lines.push(section('References'));
    lines.push(...p.references.map((r) => wrap(r, width, '  ')));
  }
  return lines.join('\n');
}
