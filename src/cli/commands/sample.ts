/** psygraph sample / coverage / split. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  CAUSAL_TYPES,
  type CausalType,
  InvalidInputError,
  MOTIFS,
  type Motif,
  SAMPLE_STRATEGIES,
  type Scenario,
  type Strategy,
} from '../../model/index.js';
import { SAMPLE, SEED } from '../../contract/limits.js';
import { parseContract } from '../../contract/parse.js';
import { SampleCliSchema, type SampleInput, runSample } from '../../contract/sample.js';
import { CONFLICT_MODES, type ConflictMode, TWIN_MODES, type TwinMode } from '../../sample/characters.js';
import { coverageReport } from '../../sample/coverage.js';
import { splitByEdges, splitByPatterns } from '../../sample/splits.js';
import { type CliContext, withStore } from '../context.js';
import { helpOf } from '../flags.js';
import { parseEnumList, parseNumberIn } from '../options.js';
import { readScenarioFile, toJsonl, writeFileAtomic } from '../scenario-io.js';
import { savedScenarioLookup } from '../../store/graph-store.js';

function parseRange(flag: string, lo: number, hi: number) {
  return (value: string): [number, number] => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
    const a = m ? Number(m[1]) : NaN;
    const b = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || a < lo || b > hi || a > b)
      throw new InvalidArgumentError(`${flag} must be N or MIN-MAX within ${lo}-${hi} (got "${value}")`);
    return [a, b];
  };
}

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

function parseMotifs(value: string): Partial<Record<Motif, number>> {
  const out: Partial<Record<Motif, number>> = {};
  for (const part of list(value)) {
    const [name, share = '1'] = part.split('=');
    if (!(MOTIFS as readonly string[]).includes(name!) || !(Number(share) >= 0)) {
      throw new InvalidArgumentError(
        `--motifs takes name=share pairs with names from ${MOTIFS.join(', ')} (got "${part}")`,
      );
    }
    out[name as Motif] = Number(share);
  }
  return out;
}

interface SampleFlags {
  n: number;
  seed: number;
  strategy: Strategy;
  size?: [number, number];
  types?: CausalType[];
  unweighted?: boolean;
  include?: string[];
  exclude?: string[];
  minTraits?: number;
  minSocial?: number;
  require?: CausalType[];
  situation?: string[];
  crossSituations?: boolean;
  characters?: [number, number];
  conflicts?: ConflictMode;
  twins?: TwinMode;
  motifs?: Partial<Record<Motif, number>>;
  allowFewer?: boolean;
  inDatabase?: boolean;
  save?: boolean;
  json?: boolean;
  jsonl?: boolean;
  out?: string;
}

/** The flags as the sample contract's fields (flags left out stay out, so the contract's defaults apply). */
function sampleInput(flags: SampleFlags): SampleInput {
  const { situation, unweighted, save: _s, json: _j, jsonl: _l, out: _o, ...fields } = flags;
  return parseContract(
    SampleCliSchema,
    {
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      ...(situation ? { situations: situation } : {}),
      ...(unweighted ? { weighted: false } : {}),
    },
    'flags',
  );
}

const help = (key: string) => helpOf(SampleCliSchema, key);

export function registerSampleCommands(program: Command, ctx: CliContext): void {
  program
    .command('sample')
    .description('sample scenarios by walking interacting subgraphs')
    .requiredOption('-n, --n <count>', help('n'), parseNumberIn('-n', SAMPLE.nCli.min, SAMPLE.nCli.max, true))
    .option('--seed <n>', help('seed'), parseNumberIn('--seed', SEED.min, SEED.max, true))
    .addOption(new Option('--strategy <name>', help('strategy')).choices(SAMPLE_STRATEGIES))
    .option(
      '--size <range>',
      `${help('size')}; N or MIN-MAX`,
      parseRange('--size', SAMPLE.size.min, SAMPLE.size.max),
    )
    .option('--types <types>', help('types'), parseEnumList<CausalType>('--types', CAUSAL_TYPES))
    .option('--unweighted', 'ignore relation strength when walking')
    .option('--include <ids>', help('include'), list)
    .option('--exclude <ids>', help('exclude'), list)
    .option(
      '--min-traits <n>',
      help('minTraits'),
      parseNumberIn('--min-traits', SAMPLE.minTraits.min, SAMPLE.minTraits.max, true),
    )
    .option(
      '--min-social <n>',
      help('minSocial'),
      parseNumberIn('--min-social', SAMPLE.minSocial.min, SAMPLE.minSocial.max, true),
    )
    .option('--require <types>', help('require'), parseEnumList<CausalType>('--require', CAUSAL_TYPES))
    .option('--situation <ids>', help('situations'), list)
    .option('--cross-situations', help('crossSituations'))
    .option(
      '--characters <range>',
      `${help('characters')}; N or MIN-MAX`,
      parseRange('--characters', SAMPLE.characters.min, SAMPLE.characters.max),
    )
    .addOption(
      new Option(
        '--conflicts <mode>',
        `${help('conflicts')}; "within" and "between" edges always follow their scope`,
      ).choices(CONFLICT_MODES),
    )
    .addOption(new Option('--twins <mode>', help('twins')).choices(TWIN_MODES))
    .option(
      '--motifs <shares>',
      'motif strategy quotas, e.g. conflict-pair=3,reinforcing-chain=1',
      parseMotifs,
    )
    .option('--allow-fewer', 'print what was found instead of failing when fewer unique scenarios exist')
    .option('--in-database', help('inDatabase'))
    .option('--save', 'store the scenarios (skipping ones already saved)')
    .option('--out <file>', 'write JSON lines to this file (atomically)')
    .option('--json', 'print a JSON array')
    .option('--jsonl', 'print JSON lines')
    .action(async (flags: SampleFlags, cmd: Command) => {
      const input = sampleInput(flags);
      await withStore(cmd, ctx, async (store) => {
        const avoid = flags.save ? await savedScenarioLookup(store) : undefined;
        const { scenarios, report } = await runSample(store, input, avoid);
        if (flags.save) {
          const saved = await store.saveScenarios(scenarios);
          ctx.io.err(`saved ${saved.saved.length} scenario(s)`);
        }
        if (flags.out) await writeFileAtomic(flags.out, toJsonl(scenarios));
        if (flags.jsonl) ctx.io.out(toJsonl(scenarios).trimEnd());
        else if (flags.json) ctx.io.out(JSON.stringify(scenarios, null, 2));
        else if (!flags.out) {
          for (const s of scenarios) {
            const cast = s.characters
              .map((c) => `${c.role === 'protagonist' ? '*' : ''}[${c.patterns.join(', ')}]`)
              .join(' ');
            ctx.io.out(`${s.id}  ${(s.motif ?? '-').padEnd(19)} ${s.situation.padEnd(10)} ${cast}`);
          }
        }
        ctx.io.err(
          `${report.produced} scenario(s), ${report.attempts} attempt(s), ${report.duplicates} duplicate(s)` +
            (report.humanllm
              ? `; humanllm: ${report.humanllm.vetoed} vetoed by EXCLUDES, ${(report.humanllm.connectedShare * 100).toFixed(1)}% connected and ${(report.humanllm.linkedShare * 100).toFixed(1)}% with at least one edge in the graph`
              : ''),
        );
      });
    });

  program
    .command('coverage')
    .description('pattern, edge and motif coverage of a scenario file or of the saved scenarios')
    .option('--scenarios <file>', 'JSON lines of scenarios (default: the store’s saved scenarios)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { scenarios?: string; json?: boolean }, cmd: Command) => {
      const fromFile = flags.scenarios ? await readScenarioFile(flags.scenarios) : undefined;
      const report = await withStore(cmd, ctx, async (store) =>
        coverageReport(await store.snapshot(), fromFile ?? (await store.listScenarios())),
      );
      if (flags.json) return ctx.io.out(JSON.stringify(report, null, 2));
      const p = report.patterns;
      const e = report.edges;
      ctx.io.out(`${report.scenarios} scenarios`);
      ctx.io.out(
        `patterns: ${p.covered}/${p.total} covered (${(p.share * 100).toFixed(1)}%), uses ${p.minUses}-${p.maxUses}, Gini ${p.gini}`,
      );
      ctx.io.out(
        `edges:    ${e.covered}/${e.total} covered (${(e.share * 100).toFixed(1)}%), ${e.coveredAtLeast3} in 3+ scenarios, Gini ${e.gini}`,
      );
      ctx.io.out(
        `motifs:   ${Object.entries(report.motifs)
          .map(([m, n]) => `${m} ${n}`)
          .join(', ')}`,
      );
    });

  program
    .command('split')
    .description('split a scenario file into train / evaluation sets (held-out patterns or edges)')
    .requiredOption('--scenarios <file>', 'JSON lines of scenarios')
    .addOption(
      new Option('--by <what>', 'patterns (HumanLLM) or edges')
        .choices(['patterns', 'edges'])
        .default('patterns'),
    )
    .option('--seed <n>', 'random seed', parseNumberIn('--seed', 0, 2 ** 32 - 1, true), 42)
    .option(
      '--share <x>',
      'edges: share of causal edges held out',
      parseNumberIn('--share', 0.001, 0.999),
      0.1,
    )
    .requiredOption('--out <dir>', 'directory for the split files')
    .action(
      async (
        flags: { scenarios: string; by: 'patterns' | 'edges'; seed: number; share: number; out: string },
        cmd: Command,
      ) => {
        const scenarios = await readScenarioFile(flags.scenarios);
        const catalog = await withStore(cmd, ctx, (s) => s.snapshot());
        await mkdir(flags.out, { recursive: true });
        const files: Record<string, Scenario[]> = {};
        let meta: Record<string, unknown>;
        if (flags.by === 'patterns') {
          const s = splitByPatterns(catalog, scenarios, { seed: flags.seed });
          Object.assign(files, { train: s.train, id_eval: s.id, ood_eval: s.ood, mixed_eval: s.mixed });
          meta = { by: 'patterns', seed: flags.seed, oodPatterns: s.oodPatterns };
        } else {
          const s = splitByEdges(catalog, scenarios, { seed: flags.seed, share: flags.share });
          Object.assign(files, { train: s.train, test: s.test });
          meta = {
            by: 'edges',
            seed: flags.seed,
            heldOutEdges: s.heldOutEdges,
            unseenPatterns: s.unseenPatterns,
          };
        }
        if (!scenarios.length)
          throw new InvalidInputError(`--scenarios: ${flags.scenarios} has no scenarios`);
        for (const [name, items] of Object.entries(files)) {
          await writeFileAtomic(path.join(flags.out, `${name}.jsonl`), toJsonl(items));
        }
        const counts = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.length]));
        await writeFileAtomic(
          path.join(flags.out, 'metadata.json'),
          JSON.stringify({ ...meta, counts }, null, 2) + '\n',
        );
        ctx.io.out(JSON.stringify(counts));
      },
    );
}
