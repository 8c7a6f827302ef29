/**
 * Paths between patterns: the pure core on a hand-built graph whose answer is known, then the
 * CLI (the built binary) and GET /api/paths over real loopback HTTP on the shipped seed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainSign, findPaths, readChain } from '../src/analysis/paths.js';
import { type Catalog, NotFoundError, InvalidInputError } from '../src/model/index.js';
import { ErrorSchema } from '../src/contract/responses.js';
import { PathsResultSchema } from '../src/contract/paths.js';
import { type Api, startApi } from './helpers/api.js';
import { makePattern, makeRelation } from './helpers/catalog.js';
import { syntheticCatalog } from '../src/sample/synthetic.js';
import { runCli } from './helpers/cli.js';

const social = { kind: 'social-cognitive', category: 'cognitive-bias' } as const;

/**
 * alpha → delta directly (MODULATES, redirects, 0.3); alpha → beta → delta (REINFORCES 0.9 twice);
 * alpha → gamma ↔ delta (REINFORCES 0.5, then CONFLICTS 0.8); delta → epsilon; beta ↔ epsilon EXCLUDES.
 */
function diamond(): Catalog {
  const names = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
  return {
    patterns: names.map((n) => makePattern(n, social)),
    relations: [
      makeRelation('MODULATES', 'alpha', 'delta', 0.3, { effect: 'redirects' } as never),
      makeRelation('REINFORCES', 'alpha', 'beta', 0.9),
      makeRelation('REINFORCES', 'beta', 'delta', 0.9),
      makeRelation('REINFORCES', 'alpha', 'gamma', 0.5),
      makeRelation('CONFLICTS', 'delta', 'gamma', 0.8),
      makeRelation('REINFORCES', 'delta', 'epsilon', 0.6),
      makeRelation('EXCLUDES', 'beta', 'epsilon', 1),
    ],
    situations: [],
  };
}

describe('findPaths (pure core)', () => {
  it('ranks by fewest steps, then strongest, with each chain signed and read', () => {
    const result = findPaths(diamond(), 'alpha', 'delta');
    expect(result).toMatchObject({ k: 3, maxLength: 4, types: ['REINFORCES', 'CONFLICTS', 'MODULATES'] });
    expect(result.paths.map((p) => p.patterns)).toEqual([
      ['alpha', 'delta'],
      ['alpha', 'beta', 'delta'],
      ['alpha', 'gamma', 'delta'],
    ]);
    expect(result.paths.map((p) => [p.sign, p.strength])).toEqual([
      ['~', 0.3],
      ['+', 0.81],
      ['-', 0.4],
    ]);
    expect(result.paths.map((p) => p.reading)).toEqual([
      'alpha reshapes how delta shows',
      'alpha works toward delta through beta',
      'alpha works against delta through gamma',
    ]);
    // the CONFLICTS step is stored delta → gamma and followed backwards
    const conflict = result.paths[2]!.steps[1]!;
    expect(conflict).toMatchObject({
      type: 'CONFLICTS',
      from: 'gamma',
      to: 'delta',
      forward: false,
      sign: '-',
    });
    expect(conflict.rationale).toBe('delta acts on gamma.');
    expect(result.paths[0]!.steps[0]).toMatchObject({ effect: 'redirects', sign: '~', scope: 'either' });
    expect(result.message).toBeUndefined();
  });

  it('honours k, the type filter and the maximum length', () => {
    const g = diamond();
    expect(findPaths(g, 'alpha', 'delta', { k: 1 }).paths).toHaveLength(1);
    const reinforcing = findPaths(g, 'alpha', 'delta', { types: ['REINFORCES', 'CONFLICTS'] });
    expect(reinforcing.paths.map((p) => p.patterns.join('>'))).toEqual([
      'alpha>beta>delta',
      'alpha>gamma>delta',
    ]);
    const short = findPaths(g, 'alpha', 'delta', { maxLength: 1 });
    expect(short.paths.map((p) => p.patterns.join('>'))).toEqual(['alpha>delta']);
    // epsilon: through delta (3 steps) by default; EXCLUDES is followed only when asked for
    expect(findPaths(g, 'alpha', 'epsilon').paths[0]!.patterns).toEqual(['alpha', 'delta', 'epsilon']);
    const withExcludes = findPaths(g, 'alpha', 'epsilon', { types: ['REINFORCES', 'EXCLUDES'] });
    expect(withExcludes.paths[0]!.patterns).toEqual(['alpha', 'beta', 'epsilon']);
    expect(withExcludes.paths[0]!.sign).toBe('-');
  });

  it('follows directed types only forwards: no path back, an empty list and a message', () => {
    const result = findPaths(diamond(), 'epsilon', 'alpha');
    expect(result.paths).toEqual([]);
    expect(result.message).toBe(
      'no path from "epsilon" to "alpha" of at most 4 steps over REINFORCES, CONFLICTS, MODULATES',
    );
    expect(findPaths(diamond(), 'alpha', 'zeta').paths).toEqual([]);
  });

  it('returns every simple path when fewer than k exist, never one with a repeated pattern', () => {
    const result = findPaths(diamond(), 'alpha', 'delta', { k: 20, maxLength: 8 });
    for (const p of result.paths) expect(new Set(p.patterns).size).toBe(p.patterns.length);
    const keys = result.paths.map((p) => p.steps.map((s) => s.relation).join('|'));
    expect(new Set(keys).size).toBe(keys.length);
    // hops never decrease down the list; within equal hops strength never increases
    for (let i = 1; i < result.paths.length; i++) {
      const [a, b] = [result.paths[i - 1]!, result.paths[i]!];
      expect(a.steps.length <= b.steps.length).toBe(true);
      if (a.steps.length === b.steps.length) expect(a.strength).toBeGreaterThanOrEqual(b.strength);
    }
  });

  it('names unknown ids and rejects a path to itself', () => {
    expect(() => findPaths(diamond(), 'nobody', 'nowhere')).toThrow(NotFoundError);
    expect(() => findPaths(diamond(), 'nobody', 'nowhere')).toThrow('unknown patterns: "nobody", "nowhere"');
    expect(() => findPaths(diamond(), 'alpha', 'nowhere')).toThrow('unknown pattern: "nowhere"');
    expect(() => findPaths(diamond(), 'alpha', 'alpha')).toThrow(InvalidInputError);
    expect(() => findPaths(diamond(), 'alpha', 'beta', { k: 0 })).toThrow(
      'k must be an integer from 1 to 20',
    );
  });

  it('agrees with brute-force enumeration of every simple path on random graphs', () => {
    let answered = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const g = syntheticCatalog(24, 5, seed);
      const causal = g.relations.filter((r) => ['REINFORCES', 'CONFLICTS', 'MODULATES'].includes(r.type));
      const out = new Map<string, { to: string; strength: number }[]>();
      const add = (from: string, to: string, strength: number) =>
        out.set(from, [...(out.get(from) ?? []), { to, strength }]);
      for (const r of causal) {
        add(r.source, r.target, r.strength);
        if (r.type === 'CONFLICTS') add(r.target, r.source, r.strength);
      }
      const ids = g.patterns.map((p) => p.id);
      for (let i = 0; i < 12; i++) {
        const [from, to] = [ids[(i * 7) % ids.length]!, ids[(i * 11 + 5) % ids.length]!];
        if (from === to) continue;
        // every simple path of at most 4 steps, as (steps, product of strengths)
        const all: [number, number][] = [];
        const walk = (at: string, seen: Set<string>, steps: number, strength: number) => {
          if (at === to) return void all.push([steps, strength]);
          if (steps === 4) return;
          for (const a of out.get(at) ?? []) {
            if (seen.has(a.to)) continue;
            seen.add(a.to);
            walk(a.to, seen, steps + 1, strength * a.strength);
            seen.delete(a.to);
          }
        };
        walk(from, new Set([from]), 0, 1);
        all.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
        const k = 5;
        const found = findPaths(g, from, to, { k }).paths.map((p) => [p.steps.length, p.strength]);
        const expected = all.slice(0, k).map(([n, x]) => [n, Math.round(x * 1e4) / 1e4]);
        expect(found, `${seed}: ${from} → ${to}`).toEqual(expected);
        if (found.length > 1) answered++;
      }
    }
    expect(answered).toBeGreaterThan(5);
  });

  it('signs a chain by the product of its steps; one redirect makes it ~', () => {
    expect(chainSign(['+', '-', '-'])).toBe('+');
    expect(chainSign(['+', '-'])).toBe('-');
    expect(chainSign(['-', '~'])).toBe('~');
    expect(readChain(['A', 'C', 'D', 'B'], '-')).toBe('A works against B through C and D');
  });
});

describe('psygraph paths (CLI, shipped seed)', () => {
  it('prints the paths with readings and rationales, and JSON with --json', async () => {
    const text = await runCli(['paths', 'loss-aversion', 'conformity']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^1\. \[[-+~]\] loss aversion works (toward|against) conformity/);
    expect(text.stdout).toContain('REINFORCES');
    const json = await runCli(['paths', 'loss-aversion', 'conformity', '--k', '5', '--json']);
    const result = PathsResultSchema.parse(JSON.parse(json.stdout));
    expect(result.paths).toHaveLength(5);
    expect(result.paths[0]!.patterns[0]).toBe('loss-aversion');
    expect(result.paths.every((p) => p.patterns.at(-1) === 'conformity')).toBe(true);
    const typed = await runCli([
      'paths',
      'loss-aversion',
      'status-quo-bias',
      '--types',
      'reinforces',
      '--json',
    ]);
    const only = PathsResultSchema.parse(JSON.parse(typed.stdout));
    expect(only.paths[0]!.patterns).toEqual(['loss-aversion', 'status-quo-bias']);
    expect(only.paths.every((p) => p.steps.every((s) => s.type === 'REINFORCES'))).toBe(true);
  });

  it('exits 2 naming unknown ids and bad flags; no path is exit 0 with a message', async () => {
    const unknown = await runCli(['paths', 'loss-aversion', 'no-such-pattern']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown pattern: "no-such-pattern"');
    const badK = await runCli(['paths', 'loss-aversion', 'conformity', '--k', '0']);
    expect(badK.code).toBe(2);
    expect(badK.stderr).toContain('--k must be an integer from 1 to 20');
    const badType = await runCli(['paths', 'loss-aversion', 'conformity', '--types', 'LIKES']);
    expect(badType.code).toBe(2);
    expect(badType.stderr).toContain('--types must be one of');
    const none = await runCli(['paths', 'loss-aversion', 'conformity', '--max-length', '1']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('no path from "loss-aversion" to "conformity" of at most 1 step');
  });
});

describe('GET /api/paths (loopback HTTP, shipped seed)', () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.stop());
  const get = (url: string) => fetch(`${api.base}${url}`);

  it('answers the k best paths, the same as the core', async () => {
    const res = await get('/api/paths?from=loss-aversion&to=conformity&k=4&types=REINFORCES,conflicts');
    expect(res.status).toBe(200);
    const body = PathsResultSchema.parse(await res.json());
    expect(body.paths).toHaveLength(4);
    expect(body.types).toEqual(['REINFORCES', 'CONFLICTS']);
    expect(body).toEqual(
      findPaths(await api.store.snapshot(), 'loss-aversion', 'conformity', {
        k: 4,
        types: ['REINFORCES', 'CONFLICTS'],
      }),
    );
  });

  it('404 names unknown ids; 400 names bad parameters; no path is 200 with a message', async () => {
    const missing = await get('/api/paths?from=nope&to=conformity');
    expect(missing.status).toBe(404);
    const error = ErrorSchema.parse(await missing.json()).error;
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('"nope"');
    for (const [q, field] of [
      ['from=loss-aversion&to=conformity&k=99', 'k'],
      ['from=loss-aversion&to=conformity&maxLength=0', 'maxLength'],
      ['from=loss-aversion&to=conformity&types=LIKES', 'types'],
      ['from=loss-aversion', 'to'],
    ] as const) {
      const res = await get(`/api/paths?${q}`);
      expect(res.status).toBe(400);
      expect(ErrorSchema.parse(await res.json()).error.message).toContain(field);
    }
    const none = PathsResultSchema.parse(
      await (await get('/api/paths?from=loss-aversion&to=conformity&maxLength=1')).json(),
    );
    expect(none.paths).toEqual([]);
    expect(none.message).toContain('no path');
  });

  it('is declared in the OpenAPI document with its parameters', async () => {
    const doc = (await (await get('/api/openapi.json')).json()) as {
      paths: Record<string, { get?: { parameters: { name: string }[] } }>;
      components: { schemas: Record<string, unknown> };
    };
    const op = doc.paths['/api/paths']?.get;
    expect(op?.parameters.map((p) => p.name)).toEqual(['from', 'to', 'k', 'types', 'maxLength']);
    expect(doc.components.schemas).toHaveProperty('PathsResult');
  });
});
