/**
 * psygraph calibrate / annotations import|export / agreement: from judged samples to an annotation
 * set, annotations in and out as JSON lines, and the judge–human agreement report.
 */
import { readJsonLines } from '../../../read-input.js';
import { access, mkdir, stat } from 'node:fs/promises';
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
import type { GraphStore } from '../../../store/graph-store.js';
import { SET_ID_PATTERN, setHash } from '../../../store/annotations.js';

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

const isDirectory = (p: string) =>
  stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );

/**
 * What `--set` names: a directory when one exists at the path or the value cannot be a set id
 * (it has a slash, say); else an annotation set stored under that id.
 */
async function setSource(value: string): Promise<{ dir: string } | { id: string }> {
  if ((await isDirectory(value)) || !SET_ID_PATTERN.test(value)) return { dir: value };
  return { id: value };
}

/** A stored set with its judgements and annotations, in the shape a directory gives. */
async function readStoredSet(store: GraphStore, id: string): Promise<LoadedSet> {
  const stored = await store.getAnnotationSet(id);
  if (!stored)
    throw new InvalidInputError(
      `--set: no directory "${id}" and no stored annotation set "${id}" (see psygraph annotations list)`,
    );
  return {
    dir: id,
    set: stored.set,
    samples: stored.samples,
    judgements: (await store.getSetJudgements(id)) ?? [],
    annotations: await store.listAnnotations(id),
  };
}

/** Each annotation's sample and item must be in the set; a problem names the file and line. */
function checkAgainstSet(
  file: string,
  samples: readonly CalibrationSample[],
  incoming: readonly Annotation[],
) {
  const items = new Map(samples.map((s) => [s.id, new Set(s.items.map((i) => i.id))]));
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
    .option('--save', 'also store the set, for the explorer’s Annotate view (as psygraph annotations load)')
    .option('--name <id>', 'with --save: the id to store it under (default: the directory name)')
    .action(
      async (
        flags: {
          scenarios: string;
          judgements: string;
          n: number;
          seed: number;
          out: string;
          save?: boolean;
          name?: string;
        },
        cmd: Command,
      ) => {
        if (flags.name !== undefined && !flags.save)
          throw new InvalidInputError('--name: applies with --save only');
        const storeId = flags.name ?? path.basename(path.resolve(flags.out));
        if (flags.save && !SET_ID_PATTERN.test(storeId))
          throw new InvalidInputError(
            `${flags.name !== undefined ? '--name' : '--out'}: "${storeId}" cannot be a set id (1-64 letters, digits, ".", "_" or "-"); give one with --name`,
          );
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
        if (flags.save) {
          const saved = await withStore(cmd, ctx, (store) =>
            store.saveAnnotationSet({
              id: storeId,
              set,
              samples: drawn,
              judgements: judgements.filter((j) => ids.has(j.id)),
            }),
          );
          if (!saved.created)
            throw new InvalidInputError(
              `--name: an annotation set is already stored as "${storeId}" (the directory ${flags.out} was written; store it under another id with psygraph annotations load ${flags.out} --name ID)`,
            );
          ctx.io.err(`calibrate: stored the set as "${storeId}" (open it in the explorer's Annotate view)`);
        }
      },
    );

  const annotations = program
    .command('annotations')
    .description('annotations of an annotation set as JSON lines');
  annotations
    .command('load <dir>')
    .description('store an annotation set directory (set.json, samples, judgements, annotations) under an id')
    .option('--name <id>', 'the id to store it under (default: the directory name)')
    .action(async (dir: string, flags: { name?: string }, cmd: Command) => {
      const loaded = await readAnnotationSet(dir);
      const id = flags.name ?? path.basename(path.resolve(dir));
      if (!SET_ID_PATTERN.test(id))
        throw new InvalidInputError(
          `${flags.name ? '--name' : 'annotations load'}: "${id}" cannot be a set id (1-64 letters, digits, ".", "_" or "-"); ${flags.name ? 'choose another' : 'give one with --name'}`,
        );
      await withStore(cmd, ctx, async (store) => {
        const result = await store.saveAnnotationSet({
          id,
          set: loaded.set,
          samples: loaded.samples,
          judgements: loaded.judgements,
        });
        if (!result.created && result.hash !== setHash(loaded))
          throw new InvalidInputError(
            `--name: another annotation set is stored as "${id}" (hash ${result.hash}, this one ${setHash(loaded)}); choose another --name`,
          );
        const saved = loaded.annotations.length
          ? await store.saveAnnotations(id, loaded.annotations)
          : { saved: 0, unchanged: 0 };
        ctx.io.err(
          `annotations load: ${result.created ? 'stored' : 'already stored:'} set "${id}" (${loaded.samples.length} samples, hash ${result.hash}); annotations: ${saved.saved} saved, ${saved.unchanged} unchanged`,
        );
        ctx.io.out(id);
      });
    });
  annotations
    .command('list')
    .description('the stored annotation sets: samples, items and each annotator’s progress')
    .option('--json', 'print them as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const sets = await withStore(cmd, ctx, (store) => store.listAnnotationSets());
      if (flags.json) return ctx.io.out(JSON.stringify(sets, null, 2));
      if (!sets.length)
        return ctx.io.err('annotations list: no stored annotation sets (psygraph annotations load DIR)');
      for (const s of sets) {
        const progress = s.progress
          .map((p) => `${p.pass > 1 ? `${p.annotator}#${p.pass}` : p.annotator} ${p.scored}/${s.items}`)
          .join(', ');
        ctx.io.out(`${s.id}\t${s.samples} samples\t${s.items} items\t${progress || 'not annotated yet'}`);
      }
    });
  annotations
    .command('import <file>')
    .description('add annotations (JSON lines: sampleId, itemId, annotator, pass, score, evidence, at)')
    .requiredOption('--set <id|dir>', 'a stored annotation set id, or a set directory (psygraph calibrate)')
    .action(async (file: string, flags: { set: string }, cmd: Command) => {
      const source = await setSource(flags.set);
      const incoming = await readJsonLines(file, 'annotations import', AnnotationSchema);
      if ('id' in source) {
        const result = await withStore(cmd, ctx, async (store) => {
          const stored = await readStoredSet(store, source.id);
          checkAgainstSet(file, stored.samples, incoming);
          return store.saveAnnotations(source.id, incoming);
        });
        ctx.io.err(
          `annotations: imported ${result.saved} into set "${source.id}" (${result.unchanged} already there or older)`,
        );
        return;
      }
      const loaded = await readAnnotationSet(source.dir);
      checkAgainstSet(file, loaded.samples, incoming);
      const seen = new Set(loaded.annotations.map((a) => JSON.stringify(a)));
      const added = incoming.filter((a) => !seen.has(JSON.stringify(a)));
      await writeFileAtomic(
        path.join(source.dir, FILES.annotations),
        toJsonl([...loaded.annotations, ...added]),
      );
      ctx.io.err(`annotations: imported ${added.length} (${incoming.length - added.length} already there)`);
    });
  annotations
    .command('export')
    .description('print the annotations as JSON lines (or write them with --out)')
    .requiredOption('--set <id|dir>', 'a stored annotation set id, or a set directory (psygraph calibrate)')
    .option('--annotator <name>', 'only this annotator’s annotations')
    .option('--out <file>', 'write here instead of stdout')
    .action(async (flags: { set: string; out?: string; annotator?: string }, cmd: Command) => {
      const source = await setSource(flags.set);
      const all =
        'id' in source
          ? await withStore(cmd, ctx, async (store) => (await readStoredSet(store, source.id)).annotations)
          : (await readAnnotationSet(source.dir)).annotations;
      const text = toJsonl(flags.annotator ? all.filter((a) => a.annotator === flags.annotator) : all);
      if (flags.out) await writeFileAtomic(flags.out, text);
      else if (text) ctx.io.out(text.replace(/\n$/, ''));
    });

  program
    .command('agreement')
    .description(
      'judge–human agreement on an annotation set: r, κ, α with 95% intervals, and the human ceiling',
    )
    .requiredOption('--set <id|dir>', 'a stored annotation set id, or a set directory (psygraph calibrate)')
    .option('--json', 'print the report as JSON')
    .option('--seed <s>', 'bootstrap seed', parseNumberIn('--seed', 0, 2 ** 32 - 1, true), 1)
    .option('--resamples <b>', 'bootstrap resamples', parseNumberIn('--resamples', 100, 100_000, true), 1000)
    .action(async (flags: { set: string; json?: boolean; seed: number; resamples: number }, cmd: Command) => {
      const source = await setSource(flags.set);
      const loaded =
        'id' in source
          ? await withStore(cmd, ctx, (store) => readStoredSet(store, source.id))
          : await readAnnotationSet(source.dir);
      if (!loaded.annotations.length)
        throw new InvalidInputError(
          `--set: ${flags.set} has no annotations yet (import them with psygraph annotations import, or score them in the explorer's Annotate view)`,
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
