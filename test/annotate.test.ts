/**
 * Annotation sets in the store, through the HTTP API (real loopback, embedded store) and the CLI
 * (the built binary): list, read without judge scores, save annotations, the judge reveal only
 * after every item is scored, and the CLI's stored-set commands next to directories.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnnotationListSchema,
  AnnotationSetDetailSchema,
  AnnotationSetListSchema,
  RevealSchema,
  SaveAnnotationsResultSchema,
} from '../src/contract/annotate.js';
import { ErrorSchema } from '../src/contract/responses.js';
import type { Annotation } from '../src/llm/index.js';
import { makeAnnotationSet, writeAnnotationSetDir } from './helpers/annotation-set.js';
import { type Api, startApi } from './helpers/api.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const scoreOf = (s: number, i: number) => (((s + i) % 3) - 1) as -1 | 0 | 1;

/** Maya's scores: the judge's exactly, except item p2 of sample 0. */
function mayaAnnotations(n: number): Annotation[] {
  return Array.from({ length: n }, (_, s) =>
    ['p1', 'p2', 'm1'].map((itemId, i) => ({
      sampleId: `sc${s}:Maya`,
      itemId,
      annotator: 'maya',
      pass: 1,
      score: s === 0 && itemId === 'p2' ? 1 : scoreOf(s, i),
      at: `2026-03-01T10:0${i}:00.000Z`,
    })),
  ).flat();
}

describe('annotation sets over HTTP', () => {
  let api: Api;
  const send = (method: string, url: string, body?: unknown) =>
    fetch(`${api.base}${url}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  const expectError = async (res: Response, status: number, code: string, text: RegExp) => {
    expect(res.status).toBe(status);
    const { error } = ErrorSchema.parse(await res.json());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(text);
  };

  beforeAll(async () => {
    api = await startApi();
    await api.store.saveAnnotationSet(makeAnnotationSet('calib', 4));
  });
  afterAll(() => api.stop());

  it('lists sets and serves one without the judge’s scores', async () => {
    const list = AnnotationSetListSchema.parse(await (await send('GET', '/api/annotation-sets')).json());
    expect(list.map((s) => [s.id, s.samples, s.items])).toEqual([['calib', 4, 12]]);
    const res = await send('GET', '/api/annotation-sets/calib');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/"score"|judgeModel|So, about scene 0"/);
    const detail = AnnotationSetDetailSchema.parse(JSON.parse(text));
    expect(detail.samples.map((s) => s.id)).toEqual(['sc0:Maya', 'sc1:Maya', 'sc2:Maya', 'sc3:Maya']);
    await expectError(
      await send('GET', '/api/annotation-sets/ghost'),
      404,
      'not_found',
      /no annotation set "ghost"/,
    );
    await expectError(await send('GET', '/api/annotation-sets/a%20b'), 400, 'invalid_input', /id/);
  });

  it('saves annotations (upsert, latest wins), lists them per annotator, and names bad fields', async () => {
    const all = mayaAnnotations(4);
    const first = all.slice(0, 5);
    const put = await send('PUT', '/api/annotation-sets/calib/annotations', { annotations: first });
    expect(SaveAnnotationsResultSchema.parse(await put.json())).toEqual({ saved: 5, unchanged: 0 });
    const again = await send('PUT', '/api/annotation-sets/calib/annotations', {
      annotations: first.slice(0, 2),
    });
    expect(await again.json()).toEqual({ saved: 0, unchanged: 2 });
    const listed = AnnotationListSchema.parse(
      await (await send('GET', '/api/annotation-sets/calib/annotations?annotator=maya')).json(),
    );
    expect(listed).toHaveLength(5);
    expect(await (await send('GET', '/api/annotation-sets/calib/annotations?annotator=omar')).json()).toEqual(
      [],
    );
    await expectError(
      await send('PUT', '/api/annotation-sets/calib/annotations', {
        annotations: [{ ...first[0], itemId: 'nope' }],
      }),
      400,
      'invalid_input',
      /annotations\[0\]\.itemId: sample "sc0:Maya" of set "calib" has no item "nope"/,
    );
    await expectError(
      await send('PUT', '/api/annotation-sets/calib/annotations', {
        annotations: [{ ...first[0], score: 5 }],
      }),
      400,
      'invalid_input',
      /annotations\[0\]: score/,
    );
    await expectError(
      await send('PUT', '/api/annotation-sets/calib/annotations', { annotation: [] }),
      400,
      'invalid_input',
      /annotation/,
    );
    await expectError(
      await send('PUT', '/api/annotation-sets/ghost/annotations', { annotations: first }),
      404,
      'not_found',
      /ghost/,
    );
    const [summary] = AnnotationSetListSchema.parse(await (await send('GET', '/api/annotation-sets')).json());
    expect(summary!.progress).toEqual([{ annotator: 'maya', pass: 1, scored: 5 }]);
  });

  it('keeps the judge hidden (409) until the annotator has scored every item, then reveals it', async () => {
    await expectError(
      await send('GET', '/api/annotation-sets/calib/judge?annotator=maya'),
      409,
      'conflict',
      /annotator "maya" has scored 5 of 12 items of set "calib"/,
    );
    await expectError(
      await send('GET', '/api/annotation-sets/calib/judge'),
      400,
      'invalid_input',
      /annotator/,
    );
    const rest = mayaAnnotations(4).slice(5);
    await send('PUT', '/api/annotation-sets/calib/annotations', { annotations: rest });
    const res = await send('GET', '/api/annotation-sets/calib/judge?annotator=maya');
    expect(res.status).toBe(200);
    const reveal = RevealSchema.parse(await res.json());
    expect(reveal.rater).toBe('maya');
    expect(reveal.items).toHaveLength(12);
    const p2 = reveal.items.find((i) => i.sampleId === 'sc0:Maya' && i.itemId === 'p2')!;
    expect(p2).toMatchObject({ human: 1, judge: 0 });
    expect(reveal.items.find((i) => i.itemId === 'p1' && i.sampleId === 'sc0:Maya')!.judgeEvidence).toEqual([
      'So, about scene',
    ]);
    // sample 0: judge IPE mean(-1, 0) = -0.5, Maya mean(-1, 1) = 0; MPD 1 and 1
    expect(reveal.points[0]).toEqual({
      sampleId: 'sc0:Maya',
      judge: { ipe: -0.5, mpd: 1 },
      human: { ipe: 0, mpd: 1 },
    });
    expect(reveal.agreement.ipe.n).toBe(4);
    expect(reveal.agreement.kappa.n).toBe(12);
    expect(reveal.agreement.ipe.value).toBeGreaterThan(0.5);
  });
});

describe('psygraph annotations load / list / import / export / agreement on stored sets', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const env = () => ({ PSYGRAPH_DATA_DIR: path.join(dir, 'data') });
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(() => cleanup());

  it('loads a set directory under its name, idempotently, and refuses another set under the same id', async () => {
    const setDir = await writeAnnotationSetDir(path.join(dir, 'calib'), makeAnnotationSet('x', 3));
    const first = await runCli(['annotations', 'load', setDir], env());
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe('calib');
    expect(first.stderr).toMatch(/stored set "calib" \(3 samples, hash [0-9a-f]{16}\)/);
    const again = await runCli(['annotations', 'load', setDir], env());
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already stored: set "calib"/);
    const other = await writeAnnotationSetDir(path.join(dir, 'other', 'calib'), makeAnnotationSet('x', 2));
    const clash = await runCli(['annotations', 'load', other], env());
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/--name: another annotation set is stored as "calib"/);
    expect((await runCli(['annotations', 'load', other, '--name', 'calib-2'], env())).code).toBe(0);
    // a directory's annotations.jsonl comes along
    const annotated = await writeAnnotationSetDir(path.join(dir, 'annotated'), makeAnnotationSet('x', 1));
    await writeFile(
      path.join(annotated, 'annotations.jsonl'),
      mayaAnnotations(1)
        .map((a) => JSON.stringify(a))
        .join('\n') + '\n',
    );
    const withAnnotations = await runCli(['annotations', 'load', annotated], env());
    expect(withAnnotations.code).toBe(0);
    expect(withAnnotations.stderr).toMatch(/annotations: 3 saved, 0 unchanged/);
    const badName = await runCli(['annotations', 'load', other, '--name', 'no/slash'], env());
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/--name: "no\/slash" cannot be a set id/);
  });

  it('imports into a stored set naming file and line, lists progress, exports, and reports agreement', async () => {
    const file = path.join(dir, 'maya.jsonl');
    await writeFile(
      file,
      mayaAnnotations(3)
        .map((a) => JSON.stringify(a))
        .join('\n') + '\n',
    );
    const imported = await runCli(['annotations', 'import', file, '--set', 'calib'], env());
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/imported 9 into set "calib" \(0 already there or older\)/);
    const list = await runCli(['annotations', 'list'], env());
    expect(list.stdout).toMatch(/^calib\t3 samples\t9 items\tmaya 9\/9$/m);
    expect(list.stdout).toMatch(/^calib-2\t2 samples\t6 items\tnot annotated yet$/m);
    expect(list.stdout).toMatch(/^annotated\t1 samples\t3 items\tmaya 3\/3$/m);
    const exported = await runCli(['annotations', 'export', '--set', 'calib', '--annotator', 'maya'], env());
    expect(exported.stdout.trim().split('\n')).toHaveLength(9);
    const report = await runCli(['agreement', '--set', 'calib', '--json', '--resamples', '200'], env());
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({ samples: 3, raters: ['maya'] });

    const bad = path.join(dir, 'bad.jsonl');
    await writeFile(bad, JSON.stringify({ ...mayaAnnotations(1)[0], itemId: 'nope' }) + '\n');
    const r = await runCli(['annotations', 'import', bad, '--set', 'calib'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl: line 1: sample sc0:Maya has no item "nope"/);
    const unknown = await runCli(['agreement', '--set', 'ghost'], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--set: no directory "ghost" and no stored annotation set "ghost"/);
    // a directory still works, and the stored set is untouched by it
    const viaDir = await runCli(['annotations', 'export', '--set', path.join(dir, 'calib')], env());
    expect(viaDir.code).toBe(0);
    expect(viaDir.stdout).toBe('');
    expect(await readFile(path.join(dir, 'calib', 'set.json'), 'utf8')).toMatch(/psygraph-annotation-set/);
  });
});
