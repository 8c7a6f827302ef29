/**
 * psygraph calibrate / annotations import|export / agreement: from judged samples to an annotation
 * set, annotations in and out as JSON lines, and the judge–human agreement report.
 */
import { readJsonLines } from '../../../read-input.js';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import {
  type Annotation,
  type AnnotationSet,
  AnnotationSchema,
  AnnotationSetSchema,
  type CalibrationSample,
  CalibrationSampleSchema,
  type Judgement,
  JudgementSchema,
  agreementReport,
  agreementText,
  drawCalibration,
  stratumOf,
} from '../../../llm/index.js';
import { InvalidInputError } from '../../../model/index.js';
import { createPromptContext, resolveScenario } from '../../../prompt/index.js';
import { readInputText } from '../../../read-input.js';
import { type CliContext, withStore } from '../../context.js';
import { parseNumberIn } from '../../options.js';
import { readScenarioFile, toJsonl, writeFileAtomic } from '../../scenario-io.js';

const FILES = {
  set: 'set.json',
  samples: 'samples.jsonl',
  judge: 'judge.jsonl',
  annotations: 'annotations.jsonl',
};

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

export interface LoadedSet {
  dir: string;
  set: AnnotationSet;
  samples: CalibrationSample[];
  judgements: Judgement[];
  annotations: Annotation[];
}

export async function readAnnotationSet(dir: string): Promise<LoadedSet> {
  const setFile = path.join(dir, FILES.set);
  let raw: unknown;
  try {
    raw = JSON.parse(await readInputText(setFile, '--set'));
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    throw new InvalidInputError(`--set: ${setFile} is not JSON`);
  }
  const parsed = AnnotationSetSchema.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError(
      `--set: ${setFile}: ${parsed.error.issues[0]?.path.join('.') || '(file)'}: ${parsed.error.issues[0]?.message} (not an annotation set from psygraph calibrate)`,
    );
  const annotationsFile = path.join(dir, FILES.annotations);
  return {
    dir,
    set: parsed.data,
    samples: await readJsonLines(path.join(dir, FILES.samples), '--set', CalibrationSampleSchema),
    judgements: await readJsonLines(path.join(dir, FILES.judge), '--set', JudgementSchema),
    annotations: (await exists(annotationsFile))
      ? await readJsonLines(annotationsFile, '--set', AnnotationSchema)
      : [],
  };
}

export function registerCalibrationCommands(program: Command, ctx: CliContext): void {
  program
    .command('calibrate')
    .description('draw a seeded sample of judged samples, stratified, as an annotation set for humans')
    .requiredOption('--scenarios <file>', 'JSON lines of scenarios with conversations (psygraph synth)')
    .requiredOption('--judgements <file>', 'JSON lines of judgements of them (psygraph judge)')
    .requiredOption('--n <n>', 'samples to draw', parseNumberIn('--n', 1, 100_000, true))
    .option('--seed <s>', 'random seed', parseNumberIn('--seed', 0, 2 ** 32 - 1, true), 1)
    .requiredOption('--out <dir>', 'the annotation set directory to create')
    .action(
      async (
        flags: { scenarios: string; judgements: string; n: number; seed: number; out: string },
        cmd: Command,
      ) => {
        if (await exists(path.join(flags.out, FILES.set)))
          throw new InvalidInputError(
            `--out: ${flags.out} already holds an annotation set; choose a new directory (annotations are never overwritten)`,
          );
        const scenarios = await readScenarioFile(flags.scenarios);
        const judgements = await readJsonLines(flags.judgements, '--judgements', JudgementSchema);
        const byId = new Map(scenarios.map((s) => [s.id, s]));
        const orphans = judgements.filter((j) => !byId.has(j.scenarioId));
        if (orphans.length)
          throw new InvalidInputError(
            `--judgements: ${orphans.length} judgement(s) refer to scenarios not in --scenarios (first: ${orphans[0]!.scenarioId})`,
          );
        const candidates = await withStore(cmd, ctx, async (store) => {
          const pctx = createPromptContext(await store.snapshot());
          return judgements.map((j): CalibrationSample => {
            const scenario = byId.get(j.scenarioId)!;
            const cast = resolveScenario(scenario, pctx).cast.find((c) => c.label === j.character);
            const items = (j.runs[0] ?? []).map(({ score: _s, evidence: _e, ...item }) => item);
            const base = {
              motif: j.motif,
              relationTypes: [...new Set(items.flatMap((i) => i.relationType ?? []))].sort(),
              patternKinds: [...new Set((cast?.patterns ?? []).map((p) => p.kind))].sort(),
            };
            const turns = j.turns ?? scenario.conversation ?? [];
            if (!turns.length)
              throw new InvalidInputError(
                `--scenarios: scenario ${scenario.id} has no conversation to annotate (run psygraph synth)`,
              );
            return {
              id: j.id,
              scenarioId: j.scenarioId,
              character: j.character,
              ...base,
              stratum: stratumOf(base),
              turns,
              items,
            };
          });
        });
        const { drawn, strata } = drawCalibration(candidates, flags.n, flags.seed);
        const ids = new Set(drawn.map((d) => d.id));
        await mkdir(flags.out, { recursive: true });
        await writeFileAtomic(path.join(flags.out, FILES.samples), toJsonl(drawn));
        await writeFileAtomic(
          path.join(flags.out, FILES.judge),
          toJsonl(judgements.filter((j) => ids.has(j.id))),
        );
        const set: AnnotationSet = {
          format: 'psygraph-annotation-set',
          version: 1,
          seed: flags.seed,
          n: drawn.length,
          createdAt: new Date().toISOString(),
          strata,
        };
        // set.json last: it marks a complete set
        await writeFileAtomic(path.join(flags.out, FILES.set), JSON.stringify(set, null, 2) + '\n');
        ctx.io.err(
          `calibrate: drew ${drawn.length} of ${candidates.length} judged sample(s) over ${Object.keys(strata).length} strata into ${flags.out}`,
        );
        for (const [name, s] of Object.entries(strata)) ctx.io.out(`${s.drawn}/${s.available}\t${name}`);
      },
    );

  const annotations = program
    .command('annotations')
    .description('annotations of an annotation set as JSON lines');
  annotations
    .command('import <file>')
    .description('add annotations (JSON lines: sampleId, itemId, annotator, pass, score, evidence, at)')
    .requiredOption('--set <dir>', 'the annotation set (psygraph calibrate)')
    .action(async (file: string, flags: { set: string }) => {
      const loaded = await readAnnotationSet(flags.set);
      const incoming = await readJsonLines(file, 'annotations import', AnnotationSchema);
      const items = new Map(loaded.samples.map((s) => [s.id, new Set(s.items.map((i) => i.id))]));
      for (const [i, a] of incoming.entries()) {
        const known = items.get(a.sampleId);
        if (!known)
          throw new InvalidInputError(
            `annotations import: ${file}: line ${i + 1}: unknown sampleId "${a.sampleId}"`,
          );
        if (!known.has(a.itemId))
          throw new InvalidInputError(
            `annotations import: ${file}: line ${i + 1}: sample ${a.sampleId} has no item "${a.itemId}"`,
          );
      }
      const seen = new Set(loaded.annotations.map((a) => JSON.stringify(a)));
      const added = incoming.filter((a) => !seen.has(JSON.stringify(a)));
      await writeFileAtomic(
        path.join(flags.set, FILES.annotations),
        toJsonl([...loaded.annotations, ...added]),
      );
      ctx.io.err(`annotations: imported ${added.length} (${incoming.length - added.length} already there)`);
    });
  annotations
    .command('export')
    .description('print the annotations as JSON lines (or write them with --out)')
    .requiredOption('--set <dir>', 'the annotation set (psygraph calibrate)')
    .option('--out <file>', 'write here instead of stdout')
    .action(async (flags: { set: string; out?: string }) => {
      const loaded = await readAnnotationSet(flags.set);
      const text = toJsonl(loaded.annotations);
      if (flags.out) await writeFileAtomic(flags.out, text);
      else if (text) ctx.io.out(text.replace(/\n$/, ''));
    });

  program
    .command('agreement')
    .description(
      'judge–human agreement on an annotation set: r, κ, α with 95% intervals, and the human ceiling',
    )
    .requiredOption('--set <dir>', 'the annotation set (psygraph calibrate), with annotations')
    .option('--json', 'print the report as JSON')
    .option('--seed <s>', 'bootstrap seed', parseNumberIn('--seed', 0, 2 ** 32 - 1, true), 1)
    .option('--resamples <b>', 'bootstrap resamples', parseNumberIn('--resamples', 100, 100_000, true), 1000)
    .action(async (flags: { set: string; json?: boolean; seed: number; resamples: number }) => {
      const loaded = await readAnnotationSet(flags.set);
      if (!loaded.annotations.length)
        throw new InvalidInputError(
          `--set: ${flags.set} has no annotations yet (import them with psygraph annotations import)`,
        );
      const report = agreementReport(loaded.samples, loaded.judgements, loaded.annotations, {
        seed: flags.seed,
        resamples: flags.resamples,
      });
      ctx.io.out(
        flags.json
          ? JSON.stringify(report, (_k, v: unknown) => (Number.isNaN(v) ? null : v), 2)
          : agreementText(report),
      );
    });
}
