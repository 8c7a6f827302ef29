/**
 * Calibration sets (seeded, stratified: tests on counts), annotations as JSON lines, and the
 * agreement report — pure parts directly, then the CLI end to end against the fake server.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Annotation,
  type CalibrationSample,
  type Judgement,
  agreementReport,
  drawCalibration,
} from '../src/llm/index.js';
import { pipelineResponder, startFakeOpenAI } from './helpers/fake-openai.js';
import { type LlmWorkspace, jsonLines, llmWorkspace } from './helpers/llm-run.js';
import { tempDir } from './helpers/tmp.js';

describe('drawCalibration', () => {
  const pool = [
    ...Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, stratum: 'A' })),
    ...Array.from({ length: 4 }, (_, i) => ({ id: `b${i}`, stratum: 'B' })),
    { id: 'c0', stratum: 'C' },
  ];
  it('spreads n evenly over the strata; a small stratum gives all it has and the others fill in', () => {
    const { drawn, strata } = drawCalibration(pool, 9, 7);
    expect(drawn).toHaveLength(9);
    expect(strata).toEqual({
      A: { available: 10, drawn: 4 },
      B: { available: 4, drawn: 4 },
      C: { available: 1, drawn: 1 },
    });
    expect(new Set(drawn.map((d) => d.id)).size).toBe(9);
    const six = drawCalibration(pool, 6, 7).strata;
    expect([six.A!.drawn, six.B!.drawn, six.C!.drawn]).toEqual([3, 2, 1]);
    expect(drawCalibration(pool, 100, 7).drawn).toHaveLength(15);
  });
  it('is seeded: the same seed draws the same samples, another seed others with the same counts', () => {
    const one = drawCalibration(pool, 5, 1);
    expect(drawCalibration(pool, 5, 1)).toEqual(one);
    const other = drawCalibration(pool, 5, 2);
    expect(other.strata).toEqual(one.strata);
    expect(other.drawn.map((d) => d.id)).not.toEqual(one.drawn.map((d) => d.id));
  });
});

describe('agreementReport', () => {
  // two samples × 3 items; judge = ann exactly; bob differs on one item of each sample
  const item = (id: string, level: 'scenario' | 'pattern', relationType?: 'CONFLICTS') => ({
    id,
    level,
    character: 'Maya',
    text: id,
    ...(relationType ? { relationType } : {}),
  });
  const samples: CalibrationSample[] = ['s1', 's2', 's3'].map((id) => ({
    id,
    scenarioId: id,
    character: 'Maya',
    motif: 'conflict-pair',
    relationTypes: ['CONFLICTS'],
    patternKinds: ['trait'],
    stratum: 'x',
    turns: [{ char: 'Maya', content: 'Hello.' }],
    items: [
      item('p1', 'pattern'),
      item('p2', 'pattern'),
      item('m1', 'scenario', 'CONFLICTS'),
      item('m2', 'scenario', 'CONFLICTS'),
    ],
  }));
  const scores: Record<string, number[]> = { s1: [1, 1, 1, 0], s2: [0, -1, 0, -1], s3: [1, 0, 1, 1] };
  const judgements: Judgement[] = samples.map((s) => ({
    id: s.id,
    scenarioId: s.id,
    motif: 'conflict-pair',
    model: 'm',
    judgeModel: 'j',
    character: 'Maya',
    runs: [s.items.map((it, i) => ({ ...it, score: scores[s.id]![i] as 1 | 0 | -1, evidence: '' }))],
  }));
  const at = '2026-01-01T00:00:00.000Z';
  const annotations: Annotation[] = samples.flatMap((s) =>
    s.items.flatMap((it, i) => {
      const score = scores[s.id]![i] as 1 | 0 | -1;
      return [
        { sampleId: s.id, itemId: it.id, annotator: 'ann', pass: 1, score, at },
        // bob disagrees on p1 everywhere (flips toward 0 / 1)
        {
          sampleId: s.id,
          itemId: it.id,
          annotator: 'bob',
          pass: 1,
          score: (i === 0 ? (score === 1 ? 0 : 1) : score) as 1 | 0 | -1,
          at,
        },
      ];
    }),
  );
  it('perfect judge–annotator agreement gives κ = 1 and r = 1, with n for every figure', () => {
    const report = agreementReport(samples, judgements, annotations, { seed: 1, resamples: 200 });
    expect(report.raters).toEqual(['ann', 'bob']);
    const ann = report.judge.find((j) => j.rater === 'ann')!;
    expect(ann.kappa.value).toBe(1);
    expect(ann.kappa.n).toBe(12);
    expect(ann.ipe.value).toBeCloseTo(1, 12);
    expect(ann.ipe.n).toBe(3);
    expect(ann.mpd.value).toBeCloseTo(1, 12);
    const bob = report.judge.find((j) => j.rater === 'bob')!;
    expect(bob.kappa.value).toBeLessThan(1);
    expect(report.overall.items).toBe(12);
    expect(report.byRelationType.CONFLICTS!.items).toBe(6);
    expect(report.byMotif['conflict-pair']!.items).toBe(12);
    // the ceiling: ann vs bob is bob's κ with the judge (judge = ann)
    expect(report.ceiling!.raters).toEqual(['ann', 'bob']);
    expect(report.ceiling!.kappa.value).toBeCloseTo(bob.kappa.value, 12);
    expect(report.ceiling!.kappaFraction).toBeCloseTo((1 + bob.kappa.value) / 2 / bob.kappa.value, 12);
  });
  it('the latest score wins when an annotator changes their mind; a retest pass is its own rater', () => {
    const later = { ...annotations[0]!, score: -1 as const, at: '2026-01-02T00:00:00.000Z' };
    const retest = annotations.filter((a) => a.annotator === 'ann').map((a) => ({ ...a, pass: 2 }));
    const report = agreementReport(samples, judgements, [...annotations, later, ...retest], {
      seed: 1,
      resamples: 200,
    });
    expect(report.raters).toEqual(['ann', 'ann#2', 'bob']);
    expect(report.judge.find((j) => j.rater === 'ann')!.kappa.value).toBeLessThan(1);
    expect(report.ceiling!.raters).toEqual(['ann', 'ann#2']);
  });
});

describe('psygraph calibrate / annotations / agreement', () => {
  let ws: LlmWorkspace;
  let cleanup: () => Promise<void> = async () => {};
  let scenarios = '';
  let judged = '';
  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    ws = await llmWorkspace(t.dir);
    const server = await startFakeOpenAI(pipelineResponder());
    try {
      const env = { OPENAI_BASE_URL: server.url, PSYGRAPH_MODEL: 'gpt-4o-mini' };
      const drafts = await ws.drafts(8, 21, path.join(t.dir, 'drafts.jsonl'));
      scenarios = path.join(t.dir, 'synth.jsonl');
      judged = path.join(t.dir, 'judged.jsonl');
      const data = path.join(t.dir, 'data');
      expect((await ws.run(['synth', '--scenarios', drafts, '--out', scenarios], env, data)).code).toBe(0);
      const judge = await ws.run(
        ['judge', '--scenarios', scenarios, '--out', judged, '--runs', '1'],
        env,
        data,
      );
      expect(judge.code, judge.stderr).toBe(0);
    } finally {
      await server.close();
    }
  }, 120_000);
  afterAll(() => cleanup());
  const data = () => path.join(ws.dir, 'data');

  it('draws a seeded, stratified set without judge scores; the same seed draws the same set', async () => {
    const out = path.join(ws.dir, 'set-a');
    const args = ['calibrate', '--scenarios', scenarios, '--judgements', judged, '--n', '5', '--seed', '3'];
    const first = await ws.run([...args, '--out', out], {}, data());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/calibrate: drew 5 of \d+ judged sample\(s\) over \d+ strata/);
    const set = JSON.parse(await readFile(path.join(out, 'set.json'), 'utf8')) as {
      n: number;
      strata: Record<string, { drawn: number; available: number }>;
    };
    expect(set.n).toBe(5);
    const counts = Object.values(set.strata);
    expect(counts.reduce((n, s) => n + s.drawn, 0)).toBe(5);
    const most = Math.max(...counts.map((s) => s.drawn));
    for (const s of counts) expect(s.drawn === s.available || s.drawn >= most - 1).toBe(true);
    const samples = await readFile(path.join(out, 'samples.jsonl'), 'utf8');
    expect(samples).not.toMatch(/"score"|"evidence"/);
    expect(await jsonLines(path.join(out, 'judge.jsonl'))).toHaveLength(5);

    const again = path.join(ws.dir, 'set-b');
    expect((await ws.run([...args, '--out', again], {}, data())).code).toBe(0);
    expect(await readFile(path.join(again, 'samples.jsonl'), 'utf8')).toBe(samples);
    const over = await ws.run([...args, '--out', out], {}, data());
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/--out: .* already holds an annotation set/);

    // --save also stores it (under the directory's name, or --name) for the Annotate view
    const saved = await ws.run([...args, '--out', path.join(ws.dir, 'set-s'), '--save'], {}, data());
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toMatch(/stored the set as "set-s"/);
    const listed = await ws.run(['annotations', 'list', '--json'], {}, data());
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ id: 'set-s', samples: 5, progress: [] }),
    );
    const named = await ws.run([...args, '--out', path.join(ws.dir, 'set-n'), '--name', 'x'], {}, data());
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/--name: applies with --save only/);
  });

  it('imports and exports annotations as JSON lines and reports agreement with the human ceiling', async () => {
    const set = path.join(ws.dir, 'set-a');
    const samples = await jsonLines<CalibrationSample>(path.join(set, 'samples.jsonl'));
    const judge = await jsonLines<Judgement>(path.join(set, 'judge.jsonl'));
    const lines = samples.flatMap((s) => {
      const j = judge.find((x) => x.id === s.id)!;
      return s.items.flatMap((it, i) => {
        const score = j.runs[0]!.find((x) => x.id === it.id)!.score;
        return [
          { sampleId: s.id, itemId: it.id, annotator: 'ann', score, at: '2026-03-01T10:00:00Z' },
          {
            sampleId: s.id,
            itemId: it.id,
            annotator: 'bob',
            score: i % 3 ? score : 0,
            at: '2026-03-01T11:00:00+01:00',
          },
        ];
      });
    });
    const file = path.join(ws.dir, 'ann.jsonl');
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const imported = await ws.run(['annotations', 'import', file, '--set', set], {}, data());
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(new RegExp(`imported ${lines.length} \\(0 already there\\)`));
    const twice = await ws.run(['annotations', 'import', file, '--set', set], {}, data());
    expect(twice.stderr).toMatch(new RegExp(`imported 0 \\(${lines.length} already there\\)`));
    const exported = await ws.run(['annotations', 'export', '--set', set], {}, data());
    expect(exported.stdout.trim().split('\n')).toHaveLength(lines.length);
    expect(JSON.parse(exported.stdout.split('\n')[0]!)).toMatchObject({ annotator: 'ann', pass: 1 });

    const json = await ws.run(['agreement', '--set', set, '--json', '--resamples', '200'], {}, data());
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as ReturnType<typeof agreementReport>;
    expect(report.samples).toBe(5);
    const ann = report.judge.find((j) => j.rater === 'ann')!;
    expect(ann.kappa.value).toBe(1);
    expect(ann.kappa.n).toBe(lines.length / 2);
    expect(report.ceiling!.raters).toEqual(['ann', 'bob']);
    const text = await ws.run(['agreement', '--set', set, '--resamples', '200'], {}, data());
    expect(text.stdout).toMatch(/ann: IPE r .* n=\d+; MPD r .* n=\d+; item κ 1\.00 \[1\.00, 1\.00\] n=\d+/);
    expect(text.stdout).toMatch(/human ceiling \(ann vs bob\)/);
    expect(text.stdout).toMatch(/by relation type:/);
    expect(text.stdout).toMatch(/by motif:/);
  });

  it('bad annotations and sets exit 2 naming the file and line', async () => {
    const set = path.join(ws.dir, 'set-b');
    const bad = path.join(ws.dir, 'bad.jsonl');
    const sample = (await jsonLines<CalibrationSample>(path.join(set, 'samples.jsonl')))[0]!;
    await writeFile(
      bad,
      JSON.stringify({
        sampleId: sample.id,
        itemId: 'nope',
        annotator: 'x',
        score: 1,
        at: '2026-03-01T10:00:00Z',
      }) + '\n',
    );
    const r1 = await ws.run(['annotations', 'import', bad, '--set', set], {}, data());
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/bad\.jsonl: line 1: sample .* has no item "nope"/);
    await writeFile(
      bad,
      JSON.stringify({ sampleId: sample.id, itemId: 'x', annotator: 'x', score: 2, at: 'now' }) + '\n',
    );
    const r2 = await ws.run(['annotations', 'import', bad, '--set', set], {}, data());
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/bad\.jsonl:1: score/);
    const none = await ws.run(['agreement', '--set', set], {}, data());
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/has no annotations yet/);
    const missing = await ws.run(['agreement', '--set', path.join(ws.dir, 'nowhere')], {}, data());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--set: cannot read .*set\.json: ENOENT/);
  });
});
