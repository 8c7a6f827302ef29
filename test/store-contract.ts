/**
 * The GraphStore conformance suite. Every backend runs exactly these tests:
 * `describeStoreContract('memory', openMemory)` and `describeStoreContract('neo4j', openNeo4j)`.
 * `open` must return an EMPTY store (no patterns, relations, situations or scenarios).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Catalog,
  InvalidInputError,
  type Relation,
  NotFoundError,
  type Scenario,
  graphHash,
} from '../src/model/index.js';
import type { GraphStore } from '../src/store/graph-store.js';
import { makePattern, makeRelation, miniCatalog } from './helpers/catalog.js';
import { makeAnnotationSet } from './helpers/annotation-set.js';

export interface OpenedStore {
  store: GraphStore;
  cleanup: () => Promise<void>;
}

function scenario(id: string, patterns: string[], situation = 'adversity'): Scenario {
  return {
    id,
    patterns,
    relations: [],
    motif: null,
    situation,
    characters: [{ role: 'protagonist', patterns }],
    strategy: 'manual',
    seed: 1,
    graphHash: 'test',
  };
}

const sortedIds = (items: { id: string }[]) => items.map((i) => i.id);

export function describeStoreContract(backend: string, open: () => Promise<OpenedStore>): void {
  describe(`GraphStore contract: ${backend}`, () => {
    let opened: OpenedStore;
    let store: GraphStore;
    let seed: Catalog;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      seed = miniCatalog();
      await store.replaceCatalog(seed, { prune: true });
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    describe('reading', () => {
      it('returns the written catalog, sorted by id, as plain data', async () => {
        const snap = await store.snapshot();
        expect(snap.patterns).toEqual([...seed.patterns].sort((a, b) => a.id.localeCompare(b.id)));
        expect(snap.relations).toEqual([...seed.relations].sort((a, b) => a.id.localeCompare(b.id)));
        expect(sortedIds(snap.situations)).toEqual(['adversity', 'home-and-private-life']);
      });

      it('reports stats with counts by type and the same graph hash as the input', async () => {
        expect(await store.stats()).toEqual({
          patterns: 6,
          relations: 6,
          byType: { REINFORCES: 3, CONFLICTS: 1, MODULATES: 1, EXCLUDES: 1, VARIANT_OF: 0 },
          situations: 2,
          scenarios: 0,
          graphHash: graphHash(seed.patterns, seed.relations),
        });
      });

      it('filters patterns by kind and by search over id, name and aliases', async () => {
        expect(sortedIds(await store.listPatterns({ kind: 'trait' }))).toEqual([
          'insecure',
          'quiet',
          'talkative',
        ]);
        expect(sortedIds(await store.listPatterns({ search: 'CHATTY' }))).toEqual(['talkative']);
        expect(sortedIds(await store.listPatterns({ search: 'spot', kind: 'social-cognitive' }))).toEqual([
          'spotlight-effect',
        ]);
        expect(await store.listPatterns({ search: 'nothing-like-this' })).toEqual([]);
      });

      it('gets one pattern, or undefined for an unknown id', async () => {
        expect((await store.getPattern('conformity'))?.name).toBe('conformity');
        expect(await store.getPattern('no-such-pattern')).toBeUndefined();
      });

      it('groups a pattern’s neighbours by relation type with direction', async () => {
        const hood = await store.getNeighbourhood('talkative');
        expect(hood.pattern.id).toBe('talkative');
        expect(hood.neighbours.MODULATES).toEqual([
          expect.objectContaining({
            direction: 'in',
            pattern: { id: 'spotlight-effect', name: 'spotlight effect', kind: 'social-cognitive' },
          }),
        ]);
        expect(hood.neighbours.CONFLICTS.map((n) => [n.direction, n.pattern.id])).toEqual([
          ['both', 'conformity'],
        ]);
        expect(hood.neighbours.EXCLUDES.map((n) => n.pattern.id)).toEqual(['quiet']);
        expect(hood.neighbours.REINFORCES).toEqual([]);
        const insecure = await store.getNeighbourhood('insecure');
        expect(insecure.neighbours.REINFORCES.map((n) => [n.direction, n.pattern.id])).toEqual([
          ['out', 'conformity'],
          ['out', 'spotlight-effect'],
        ]);
      });

      it('throws NotFoundError for the neighbourhood of an unknown pattern', async () => {
        await expect(store.getNeighbourhood('no-such-pattern')).rejects.toBeInstanceOf(NotFoundError);
      });

      it('filters relations by type, pattern and minimum strength', async () => {
        expect((await store.listRelations({ type: 'REINFORCES' })).length).toBe(3);
        expect(
          (await store.listRelations({ type: ['CONFLICTS', 'EXCLUDES'] })).map((r) => r.type).sort(),
        ).toEqual(['CONFLICTS', 'EXCLUDES']);
        expect(sortedIds(await store.listRelations({ pattern: 'conformity' }))).toEqual([
          'conformity--CONFLICTS--talkative',
          'insecure--REINFORCES--conformity',
          'loss-aversion--REINFORCES--conformity',
        ]);
        expect(sortedIds(await store.listRelations({ minStrength: 0.65 }))).toEqual([
          'insecure--REINFORCES--spotlight-effect',
          'quiet--EXCLUDES--talkative',
        ]);
      });

      it('builds a graphology multigraph that is a copy', async () => {
        const graph = await store.graph();
        expect(graph.order).toBe(6);
        expect(graph.size).toBe(6);
        expect(graph.getEdgeAttributes('spotlight-effect--MODULATES--talkative')).toMatchObject({
          effect: 'suppresses',
        });
        graph.dropNode('talkative');
        expect((await store.graph()).order).toBe(6);
      });
    });

    describe('writing', () => {
      it('upserts a pattern (insert, then update in place)', async () => {
        const shy = makePattern('shy', { kind: 'trait', dimension: 'extraversion', pole: '-' });
        await store.upsertPatterns([shy]);
        await store.upsertPatterns([{ ...shy, definition: 'Changed.' }]);
        expect((await store.getPattern('shy'))?.definition).toBe('Changed.');
        expect((await store.stats()).patterns).toBe(7);
      });

      it('rejects an invalid pattern with the field named, and stores nothing', async () => {
        const bad = {
          ...makePattern('shy', { kind: 'trait', dimension: 'extraversion', pole: '-' }),
          checklist: [],
        };
        const err = await store.upsertPatterns([bad]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidInputError);
        expect((err as InvalidInputError).problems.map((p) => p.path)).toContain('[0].checklist');
        expect(await store.getPattern('shy')).toBeUndefined();
      });

      it('rejects a relation to an unknown pattern, naming the endpoint', async () => {
        const err = await store
          .upsertRelations([makeRelation('REINFORCES', 'talkative', 'ghost')])
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidInputError);
        expect((err as InvalidInputError).problems).toEqual([
          expect.objectContaining({ path: '[0].target', message: expect.stringContaining('ghost') }),
        ]);
        expect((await store.stats()).relations).toBe(6);
      });

      it('rejects a symmetric relation stored the wrong way round', async () => {
        const reversed = makeRelation('CONFLICTS', 'talkative', 'loss-aversion');
        await expect(store.upsertRelations([reversed])).rejects.toBeInstanceOf(InvalidInputError);
      });

      it('upserts relations idempotently', async () => {
        const r = makeRelation('REINFORCES', 'quiet', 'spotlight-effect', 0.4);
        await store.upsertRelations([r]);
        await store.upsertRelations([{ ...r, strength: 0.45 }]);
        const got = await store.listRelations({ pattern: 'quiet', type: 'REINFORCES' });
        expect(got).toEqual([{ ...r, strength: 0.45 }]);
      });

      it('keeps trait markers, edge scopes and near-twin links exactly, and counts VARIANT_OF', async () => {
        const shy = makePattern(
          'shy',
          { kind: 'trait', dimension: 'extraversion', pole: '-' },
          {
            marker: { facet: 'sociability', sense: 'uneasy and hesitant with people', notSenses: ['quiet'] },
          },
        );
        await store.upsertPatterns([shy]);
        const scoped = makeRelation('REINFORCES', 'shy', 'spotlight-effect', 0.6, { scope: 'within' });
        const twin = {
          ...makeRelation('VARIANT_OF', 'quiet', 'shy', 1),
          link: 'twin',
        } as Relation;
        await store.upsertRelations([scoped, twin]);
        expect(await store.getPattern('shy')).toEqual(shy);
        expect(await store.listRelations({ pattern: 'shy' })).toEqual(
          [twin, scoped].sort((a, b) => a.id.localeCompare(b.id)),
        );
        expect((await store.stats()).byType.VARIANT_OF).toBe(1);
        const hood = await store.getNeighbourhood('shy');
        expect(hood.neighbours.VARIANT_OF).toEqual([
          expect.objectContaining({ direction: 'both', pattern: expect.objectContaining({ id: 'quiet' }) }),
        ]);
      });

      it('deletes patterns together with their relations', async () => {
        expect(await store.deletePatterns(['conformity', 'no-such'])).toBe(1);
        const stats = await store.stats();
        expect(stats.patterns).toBe(5);
        expect(stats.relations).toBe(3);
      });

      it('deletes relations by id and counts what it removed', async () => {
        expect(await store.deleteRelations(['quiet--EXCLUDES--talkative', 'nope'])).toBe(1);
        expect((await store.stats()).byType.EXCLUDES).toBe(0);
      });

      it('upserts situations', async () => {
        await store.upsertSituations([
          { id: 'duty', name: 'Duty', family: 'diamonds', definition: 'Work to do.' },
        ]);
        expect(sortedIds(await store.listSituations())).toEqual([
          'adversity',
          'duty',
          'home-and-private-life',
        ]);
      });

      it('replaces the catalog, keeping extras unless told to prune', async () => {
        const extra = makePattern('shy', { kind: 'trait', dimension: 'extraversion', pole: '-' });
        await store.upsertPatterns([extra]);
        const again = await store.replaceCatalog(seed);
        expect(again.removed.patterns).toBe(0);
        expect(await store.getPattern('shy')).toBeDefined();
        const pruned = await store.replaceCatalog(seed, { prune: true });
        expect(pruned.removed.patterns).toBe(1);
        expect(await store.getPattern('shy')).toBeUndefined();
        expect((await store.stats()).graphHash).toBe(graphHash(seed.patterns, seed.relations));
      });
    });

    describe('scenarios', () => {
      it('saves scenarios once and reports the ones it already had', async () => {
        const a = scenario('s-a', ['talkative', 'spotlight-effect']);
        const b = scenario('s-b', ['insecure', 'conformity'], 'home-and-private-life');
        expect(await store.saveScenarios([a, b])).toEqual({ saved: ['s-a', 's-b'], existing: [] });
        expect(await store.saveScenarios([a])).toEqual({ saved: [], existing: ['s-a'] });
        expect((await store.stats()).scenarios).toBe(2);
        expect(await store.getScenario('s-a')).toEqual(a);
        expect(await store.getScenario('nope')).toBeUndefined();
      });

      it('replaces saved scenarios only when asked, in one write', async () => {
        const draft = scenario('s-r', ['talkative', 'spotlight-effect']);
        const written = { ...draft, storyBackground: 'A crowded launch party on a rooftop.' };
        await store.saveScenarios([draft]);
        expect(await store.saveScenarios([written])).toEqual({ saved: [], existing: ['s-r'] });
        expect(await store.getScenario('s-r')).toEqual(draft);
        const fresh = scenario('s-new', ['insecure', 'conformity']);
        expect(await store.saveScenarios([written, fresh], { replace: true })).toEqual({
          saved: ['s-r', 's-new'],
          existing: [],
        });
        expect(await store.getScenario('s-r')).toEqual(written);
        expect(sortedIds(await store.listScenarios({ pattern: 'talkative' }))).toEqual(['s-r']);
        expect((await store.stats()).scenarios).toBe(2);
      });

      it('lists scenarios with filters and a limit, and deletes them', async () => {
        await store.saveScenarios([
          scenario('s-1', ['talkative', 'spotlight-effect']),
          scenario('s-2', ['insecure', 'conformity'], 'home-and-private-life'),
          scenario('s-3', ['talkative', 'conformity']),
        ]);
        expect(sortedIds(await store.listScenarios({ pattern: 'talkative' }))).toEqual(['s-1', 's-3']);
        expect(sortedIds(await store.listScenarios({ situation: 'home-and-private-life' }))).toEqual(['s-2']);
        expect(sortedIds(await store.listScenarios({ limit: 2 }))).toEqual(['s-1', 's-2']);
        expect(await store.deleteScenarios(['s-1', 'missing'])).toBe(1);
        expect(sortedIds(await store.listScenarios())).toEqual(['s-2', 's-3']);
      });

      it('rejects a malformed scenario with the field named', async () => {
        const bad = { ...scenario('s-x', ['talkative']), characters: [] };
        const err = await store.saveScenarios([bad]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidInputError);
        expect((err as InvalidInputError).problems[0]?.path).toBe('[0].characters');
      });
    });

    describe('annotation sets', () => {
      const ann = (over: Record<string, unknown> = {}) => ({
        sampleId: 'sc0:Maya',
        itemId: 'p1',
        annotator: 'maya',
        pass: 1,
        score: 1,
        at: '2026-02-01T10:00:00.000Z',
        ...over,
      });

      it('saves a set once by id and lists it with its size; samples carry no judge scores', async () => {
        const input = makeAnnotationSet('calib', 3);
        const first = await store.saveAnnotationSet(input);
        expect(first).toMatchObject({ id: 'calib', created: true });
        expect(first.hash).toMatch(/^[0-9a-f]{16}$/);
        const again = await store.saveAnnotationSet({ ...input, set: { ...input.set, seed: 9 } });
        expect(again).toEqual({ id: 'calib', hash: first.hash, created: false });
        await store.saveAnnotationSet(makeAnnotationSet('b-set', 1));
        expect(await store.listAnnotationSets()).toEqual([
          {
            id: 'b-set',
            hash: expect.any(String),
            createdAt: '2026-01-02T03:04:05.000Z',
            seed: 1,
            samples: 1,
            items: 3,
            progress: [],
          },
          {
            id: 'calib',
            hash: first.hash,
            createdAt: '2026-01-02T03:04:05.000Z',
            seed: 1,
            samples: 3,
            items: 9,
            progress: [],
          },
        ]);
        const stored = await store.getAnnotationSet('calib');
        expect(stored).toEqual({ id: 'calib', hash: first.hash, set: input.set, samples: input.samples });
        expect(JSON.stringify(stored)).not.toContain('"score"');
        expect(await store.getSetJudgements('calib')).toEqual(input.judgements);
        expect(await store.getAnnotationSet('nope')).toBeUndefined();
        expect(await store.getSetJudgements('nope')).toBeUndefined();
        // annotation sets are not scenarios
        expect((await store.stats()).scenarios).toBe(0);
      });

      it('rejects a malformed set with the field named, and stores nothing', async () => {
        const input = makeAnnotationSet('bad', 2);
        const cases: [unknown, RegExp][] = [
          [{ ...input, id: 'has space' }, /id/],
          [{ ...input, set: { ...input.set, n: 5 } }, /set\.n is 5 but there are 2 samples/],
          [{ ...input, samples: [input.samples[0], input.samples[0]] }, /samples\[1\]\.id/],
          [{ ...input, judgements: [{ ...input.judgements[0]!, id: 'ghost' }] }, /judgements\[0\]\.id/],
          [
            { ...input, samples: [{ ...input.samples[0]!, turns: 'x' }, input.samples[1]] },
            /samples\[0\]\.turns/,
          ],
        ];
        for (const [bad, message] of cases) {
          const err = await store
            .saveAnnotationSet(bad as Parameters<GraphStore['saveAnnotationSet']>[0])
            .catch((e: unknown) => e);
          expect(err).toBeInstanceOf(InvalidInputError);
          expect((err as Error).message).toMatch(message);
        }
        expect(await store.listAnnotationSets()).toEqual([]);
      });

      it('upserts annotations by sample, item, annotator and pass: the latest time wins', async () => {
        await store.saveAnnotationSet(makeAnnotationSet('calib', 2));
        expect(
          await store.saveAnnotations('calib', [
            ann(),
            ann({ itemId: 'p2', score: -1, evidence: 'she doubts' }),
            ann({ annotator: 'omar', score: 0 }),
            ann({ pass: 2, score: 0 }),
          ]),
        ).toEqual({ saved: 4, unchanged: 0 });
        // the same again: unchanged; an older scoring: unchanged; a newer one replaces
        expect(await store.saveAnnotations('calib', [ann()])).toEqual({ saved: 0, unchanged: 1 });
        expect(
          await store.saveAnnotations('calib', [ann({ score: -1, at: '2026-01-31T10:00:00.000Z' })]),
        ).toEqual({ saved: 0, unchanged: 1 });
        expect(
          await store.saveAnnotations('calib', [
            ann({ itemId: 'p2', score: 0, at: '2026-02-01T11:00:00+01:00' }), // the same instant, rewritten
            ann({ score: 0, evidence: 'on second thought', at: '2026-02-01T12:00:00.000Z' }),
          ]),
        ).toEqual({ saved: 2, unchanged: 0 });
        const maya = await store.listAnnotations('calib', { annotator: 'maya' });
        expect(maya).toEqual([
          ann({ score: 0, evidence: 'on second thought', at: '2026-02-01T12:00:00.000Z' }),
          ann({ itemId: 'p2', score: 0, at: '2026-02-01T11:00:00+01:00' }),
          ann({ pass: 2, score: 0 }),
        ]);
        expect(await store.listAnnotations('calib', { annotator: 'maya', pass: 2 })).toHaveLength(1);
        expect((await store.listAnnotations('calib')).map((a) => a.annotator)).toEqual([
          'maya',
          'maya',
          'maya',
          'omar',
        ]);
        const [summary] = await store.listAnnotationSets();
        expect(summary!.progress).toEqual([
          { annotator: 'maya', pass: 1, scored: 2 },
          { annotator: 'maya', pass: 2, scored: 1 },
          { annotator: 'omar', pass: 1, scored: 1 },
        ]);
      });

      it('rejects annotations of an unknown set, sample or item, naming it, and writes none', async () => {
        await store.saveAnnotationSet(makeAnnotationSet('calib', 1));
        await expect(store.saveAnnotations('ghost', [ann()])).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.listAnnotations('ghost')).rejects.toBeInstanceOf(NotFoundError);
        const cases: [unknown[], RegExp][] = [
          [
            [ann(), ann({ sampleId: 'nope' })],
            /annotations\[1\]\.sampleId: set "calib" has no sample "nope"/,
          ],
          [
            [ann({ itemId: 'zz' })],
            /annotations\[0\]\.itemId: sample "sc0:Maya" of set "calib" has no item "zz"/,
          ],
          [[ann({ score: 2 })], /annotations\[0\]: score/],
          [[ann({ at: 'yesterday' })], /annotations\[0\]: at/],
        ];
        for (const [input, message] of cases) {
          const err = await store.saveAnnotations('calib', input).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(InvalidInputError);
          expect((err as Error).message).toMatch(message);
        }
        expect(await store.listAnnotations('calib')).toEqual([]);
      });
    });
  });
}
