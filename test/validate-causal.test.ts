/**
 * `psygraph validate` on the causal layer's rules, and the sampler refusing constraints no cast
 * can meet for the edges' scopes — each with the file, JSON path or flag named, exit 2 / HTTP 422.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Relation } from '../src/model/index.js';
import { type Api, startApi } from './helpers/api.js';
import { makePattern, makeRelation, miniCatalog, writeSeedDir } from './helpers/catalog.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir('psygraph-causal-');
});
afterAll(() => tmp.cleanup());

describe('psygraph validate on causal edges', () => {
  it('rejects a missing or unknown scope, a within edge between EXCLUDES traits, an unsourced established edge and bad twin links', async () => {
    const c = miniCatalog();
    const noScope = { ...makeRelation('REINFORCES', 'quiet', 'spotlight-effect') } as Record<string, unknown>;
    delete noScope.scope;
    const badScope = { ...makeRelation('REINFORCES', 'talkative', 'loss-aversion'), scope: 'inside' };
    const withinExcluded = makeRelation('CONFLICTS', 'quiet', 'talkative', 0.5, { scope: 'within' });
    const unsourced = makeRelation('REINFORCES', 'conformity', 'loss-aversion', 0.5, {
      evidence: { status: 'established', sources: [] },
    });
    const twin = (a: string, b: string) =>
      ({ ...makeRelation('VARIANT_OF', a, b, 1), link: 'twin' }) as Relation;
    c.relations.push(
      noScope as unknown as Relation,
      badScope as unknown as Relation,
      withinExcluded,
      unsourced,
      twin('conformity', 'conformity'),
      twin('insecure', 'spotlight-effect'), // insecure REINFORCES spotlight-effect in the mini catalog
    );
    const seedDir = await writeSeedDir(path.join(tmp.dir, 'bad-causal'), c);
    const { code, stderr } = await runCli(['validate', seedDir]);
    expect(code).toBe(2);
    const file = path.join(seedDir, 'relations', 'all.json');
    expect(stderr).toContain(`${file}: [6].scope:`);
    expect(stderr).toMatch(/\[7\]\.scope: .*(within|between|either)/);
    expect(stderr).toContain('[8].scope: "within" joins two traits that EXCLUDE each other');
    expect(stderr).toContain('[9].evidence.sources: "established" needs a named source');
    expect(stderr).toContain('[10].target: self loop');
    expect(stderr).toContain('near-twins (insecure--VARIANT_OF--spotlight-effect)');
  });
});

describe('sampling with scopes no cast can meet', () => {
  let api: Api;
  let seedDir: string;
  beforeAll(async () => {
    const c = miniCatalog();
    c.patterns.push(makePattern('warm', { kind: 'trait', dimension: 'agreeableness', pole: '+' }));
    c.patterns.push(makePattern('halo effect', { kind: 'social-cognitive', category: 'cognitive-bias' }));
    c.relations.push(makeRelation('REINFORCES', 'warm', 'halo-effect', 0.6, { scope: 'between' }));
    seedDir = await writeSeedDir(path.join(tmp.dir, 'between'), c);
    api = await startApi();
    await api.store.replaceCatalog(c, { prune: true });
  });
  afterAll(() => api.stop());

  it('fails at once on the CLI naming the edge and the flag (exit 2)', async () => {
    const { code, stderr } = await runCli(
      ['--seed-dir', seedDir, 'sample', '-n', '1', '--include', 'warm,halo-effect', '--characters', '1'],
      { PSYGRAPH_DATA_DIR: path.join(tmp.dir, 'data') },
    );
    expect(code).toBe(2);
    expect(stderr).toContain('warm--REINFORCES--halo-effect acts between two people');
    expect(stderr).toContain('--characters');
  });

  it('answers 422 over HTTP with the same reason', async () => {
    const res = await fetch(`${api.base}/api/sample`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 1, include: ['warm', 'halo-effect'], characters: [1, 1] }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('acts between two people');
  });
});
