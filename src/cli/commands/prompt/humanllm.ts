/** psygraph import-humanllm / export-humanllm: HumanLLM files in and out. */
import type { Command } from 'commander';
import type { SourceFile } from '../../../model/index.js';
import { exportHumanllm, importHumanllm } from '../../../prompt/index.js';
import { type CliContext, withStore } from '../../context.js';
import { readScenarioFile, toJsonl, writeFileAtomic } from '../../scenario-io.js';
import { readJson } from './compile.js';

export function registerHumanllmCommands(program: Command, ctx: CliContext): void {
  program
    .command('import-humanllm <files...>')
    .description('import HumanLLM files: scenario splits, patterns_data.json, pattern_level_checklist.json')
    .option('--out <file>', 'write the imported scenarios as JSON lines')
    .option('--reference-out <file>', 'write their pattern texts and checklists, keyed by our ids, as JSON')
    .option('--save', 'store the imported scenarios')
    .action(
      async (
        files: string[],
        flags: { out?: string; referenceOut?: string; save?: boolean },
        cmd: Command,
      ) => {
        const sources: SourceFile[] = [];
        for (const file of files) sources.push({ file, data: await readJson(file, 'import-humanllm') });
        await withStore(cmd, ctx, async (store) => {
          const imported = importHumanllm(sources, await store.snapshot());
          if (flags.out) await writeFileAtomic(flags.out, toJsonl(imported.scenarios));
          if (flags.referenceOut) {
            const reference = { patterns: imported.patternTexts, checklists: imported.patternChecklists };
            await writeFileAtomic(flags.referenceOut, JSON.stringify(reference, null, 2) + '\n');
          }
          if (flags.save) await store.saveScenarios(imported.scenarios);
          ctx.io.err(
            `imported ${imported.scenarios.length} scenario(s), ${imported.patternTexts.length} pattern text(s), ${imported.patternChecklists.length} pattern checklist(s) from ${files.length} file(s)`,
          );
        });
      },
    );

  program
    .command('export-humanllm')
    .description('write scenarios in the HumanLLM sample shape (a JSON array)')
    .option('--scenarios <file>', 'JSON lines of scenarios (default: the saved scenarios)')
    .option('--out <file>', 'output file (default: stdout)')
    .action(async (flags: { scenarios?: string; out?: string }, cmd: Command) => {
      const fromFile = flags.scenarios ? await readScenarioFile(flags.scenarios) : undefined;
      const samples = await withStore(cmd, ctx, async (store) =>
        exportHumanllm(fromFile ?? (await store.listScenarios()), await store.snapshot()),
      );
      const text = JSON.stringify(samples, null, 2) + '\n';
      if (flags.out) await writeFileAtomic(flags.out, text);
      else ctx.io.out(text.trimEnd());
    });
}
