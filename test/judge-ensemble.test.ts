/**
 * Judge ensembles and bias probes (issue 18, item 4): `judge --judge-model a,b,c`, `judges`,
 * `probe-judge`. The built CLI against the local fake OpenAI-compatible server, whose judges are
 * scripted per model so that the expected agreement and shifts are known in advance.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohenKappa, krippendorffAlpha } from '../src/analysis/agreement.js';
import {
  type EnsembleJudgement,
  JUDGE_PROMPT_HASH,
  PAD_LINES,
  type ProbeLine,
  aggregateEnsemble,
  majorityVote,
  padConversation,
  probeReport,
  rewriteProblems,
  shuffleChecklist,
} from '../src/llm/index.js';
import type { Scenario } from '../src/model/index.js';
import {
  type FakeReply,
  type FakeRequest,
  type FakeServer,
  type Responder,
  pipelineResponder,
  withFakeOpenAI,
} from './helpers/fake-openai.js';
import { type LlmWorkspace, type Run, jsonLines, llmWorkspace } from './helpers/llm-run.js';
import { tempDir } from './helpers/tmp.js';

let cleanup: () => Promise<void> = async () => {};
let ws: LlmWorkspace;
let synthesized = '';

const data = (name: string) => path.join(ws.dir, name);
const hashOf = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
type Vote = -1 | 0 | 1;

/** judge-a scores by a hash of the item id; judge-b copies it; judge-c gives +1 throughout. */
const scripted: Record<string, (id: string) => Vote> = {
  'judge-a': (id) => ([1, 0, -1] as const)[hashOf(id) % 3]!,
  'judge-b': (id) => ([1, 0, -1] as const)[hashOf(id) % 3]!,
  'judge-c': () => 1,
};

const userOf = (request: FakeRequest) => request.messages.filter((m) => m.role === 'user').at(-1)!.content;
const isJudge = (request: FakeRequest) => request.messages[0]!.content.startsWith('You are a strict judge');

/** A valid judge reply: each asked item scored by `score`, quoting the target's first turn. */
function judgeReply(request: FakeRequest, score: (id: string, conversation: string) => Vote): FakeReply {
  const user = userOf(request);
  const target = /TARGET character: (.*)/.exec(user)![1]!;
  const conversation = /Conversation:\n([\s\S]*?)\n\nChecklist for/.exec(user)![1]!;
  const evidence = new RegExp(`^${target}: (.*)$`, 'm').exec(conversation)![1]!.slice(0, 24);
  const ids = [...user.matchAll(/^- \[([^\]]+)\]/gm)].map((m) => m[1]!);
  const scores = Object.fromEntries(
    ids.map((id) => {
      const s = score(id, conversation);
      return [id, { score: s, evidence: s ? evidence : '' }];
    }),
  );
  return { content: JSON.stringify({ scores }) };
}

const ensembleResponder: Responder = (request) => judgeReply(request, (id) => scripted[request.model]!(id));

/** Samples: the characters that carry patterns, over all conversations. */
const sampleCount = async () =>
  (await jsonLines<Scenario>(synthesized)).flatMap((s) => s.characters.filter((c) => c.patterns.length))
    .length;

const env = (server: FakeServer) => ({ OPENAI_BASE_URL: server.url, PSYGRAPH_MODEL: 'gpt-4o-mini' });

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  ws = await llmWorkspace(t.dir);
  const drafts = await ws.drafts(3, 5, path.join(t.dir, 'drafts.jsonl'));
  synthesized = path.join(t.dir, 'synth.jsonl');
  await withFakeOpenAI(pipelineResponder(), async (server) => {
    const synth = await ws.run(
      ['synth', '--scenarios', drafts, '--out', synthesized],
      env(server),
      data('d0'),
    );
    expect(synth.code, synth.stderr).toBe(0);
  });
});
afterAll(() => cleanup());

describe('ensemble aggregation (pure)', () => {
  it('majority vote: the most common vote, and 0 for a tie for most', () => {
    expect(majorityVote([1, 1, 0])).toEqual({ majority: 1, tie: false });
    expect(majorityVote([-1, 0, -1])).toEqual({ majority: -1, tie: false });
    expect(majorityVote([1, -1])).toEqual({ majority: 0, tie: true });
    expect(majorityVote([1, 0, -1])).toEqual({ majority: 0, tie: true });
    expect(majorityVote([1, 1, -1, -1, 0])).toEqual({ majority: 0, tie: true });
  });

  it('aggregates per item over each judge’s runs: vote = sign of its mean; mean of judge means', () => {
    const item = (id: string, level: 'pattern' | 'scenario', score: Vote) => ({
      id,
      level,
      character: 'Maya',
      text: id,
      score,
      evidence: score ? 'x' : '',
    });
    const judgement = (judgeModel: string, runs: Vote[][]) => ({
      id: 's:Maya',
      scenarioId: 's',
      motif: null,
      model: 'm',
      judgeModel,
      character: 'Maya',
      runs: runs.map(([p, q]) => [item('p1', 'pattern', p!), item('q1', 'scenario', q!)]),
    });
    const line = aggregateEnsemble([
      judgement('a', [
        [1, 0],
        [1, -1],
      ]),
      judgement('b', [
        [-1, 0],
        [0, 0],
      ]),
    ]);
    const [p1, q1] = line.ensemble.items;
    expect(p1).toMatchObject({ votes: { a: 1, b: -1 }, majority: 0, tie: true, mean: 0.25 });
    expect(p1!.means).toEqual({ a: 1, b: -0.5 });
    expect(q1).toMatchObject({ votes: { a: -1, b: 0 }, majority: 0, tie: true, mean: -0.25 });
    expect(line.ensemble.ipe).toEqual({ majority: 0, mean: 25 });
    expect(line.ensemble.mpd).toEqual({ majority: 0, mean: -25 });
    expect(line.runs).toHaveLength(1);
    expect(line.judgeModel).toBe('a,b');
  });
});

describe('bias probe variants (pure)', () => {
  const turns = [
    { char: 'Maya', content: '(Frowns) No.' },
    { char: 'Owen', content: 'Why not?' },
    { char: 'Maya', content: 'Because I said so.' },
  ];

  it('padding appends two fixed neutral sentences to every turn and keeps the speakers', () => {
    const padded = padConversation(turns);
    expect(padded.map((t) => t.char)).toEqual(turns.map((t) => t.char));
    expect(padded[0]!.content).toBe(`(Frowns) No. ${PAD_LINES[0]} ${PAD_LINES[1]}`);
    expect(padded[2]!.content).toBe(`Because I said so. ${PAD_LINES[4]} ${PAD_LINES[5]}`);
    expect(padConversation(turns)).toEqual(padded);
  });

  it('the order probe shuffles only the character’s items, the same way for the same seed', () => {
    const items = Array.from({ length: 8 }, (_, i) => ({
      id: `i${i}`,
      level: 'pattern' as const,
      character: i < 6 ? 'Maya' : 'Owen',
      text: `t${i}`,
    }));
    const a = shuffleChecklist({ id: 's', items }, 'Maya', 3, 's:Maya');
    expect(a).toEqual(shuffleChecklist({ id: 's', items }, 'Maya', 3, 's:Maya'));
    expect(a.items.slice(6)).toEqual(items.slice(6));
    expect(a.items.map((i) => i.id).sort()).toEqual(items.map((i) => i.id));
    expect(a.items.map((i) => i.id)).not.toEqual(items.map((i) => i.id));
  });

  it('a rewrite must keep the turn count and speakers and change the target', () => {
    expect(rewriteProblems(turns, turns, 'Maya', [])).toEqual(["rewrite Maya's turns: none of them changed"]);
    expect(rewriteProblems(turns, turns.slice(0, 2), 'Maya', [])[0]).toMatch(/exactly 3 turns/);
    const swapped = [turns[1]!, turns[0]!, { char: 'Maya', content: 'Of course, happy to.' }];
    expect(rewriteProblems(turns, swapped, 'Maya', []).join('\n')).toMatch(
      /turn 1: the speaker must be Maya/,
    );
    const kind = [turns[0]!, turns[1]!, { char: 'Maya', content: '(Smiles) I am being so agreeable.' }];
    expect(rewriteProblems(turns, kind, 'Maya', ['Agreeableness'])).toEqual([]);
    expect(rewriteProblems(turns, kind, 'Maya', ['agreeable'])[0]).toMatch(/names the pattern "agreeable"/);
  });
});

describe('probe report (pure)', () => {
  it('one sample gives no interval: inconclusive, never passed', () => {
    const line = (shift: number) =>
      ({
        variants: { desirability: { shift: { ipe: shift, mpd: null } } },
        judgeModel: 'j',
      }) as unknown as ProbeLine;
    const one = probeReport([line(-100)], { seed: 1, resamples: 200 });
    expect(one.probes[0]).toMatchObject({ probe: 'desirability', verdict: 'inconclusive' });
    const two = probeReport([line(-100), line(-50)], { seed: 1, resamples: 200 });
    expect(two.probes[0]).toMatchObject({ verdict: 'passed', ipe: { value: -75, n: 2 } });
    const mixed = probeReport([line(-100), line(50)], { seed: 1, resamples: 200 });
    expect(mixed.probes[0]).toMatchObject({ verdict: 'inconclusive', reason: 'the interval includes 0' });
  });
});

describe('judge --judge-model a,b,c', () => {
  const out = () => path.join(ws.dir, 'ensemble.jsonl');

  it('scores with every judge, aggregates per item and reports κ, α and the items they split on', async () => {
    await withFakeOpenAI(ensembleResponder, async (server) => {
      const result = await ws.run(
        [
          'judge',
          '--scenarios',
          synthesized,
          '--out',
          out(),
          '--runs',
          '2',
          '--judge-model',
          'judge-a,judge-b,judge-c',
        ],
        env(server),
        data('d1'),
      );
      expect(result.code, result.stderr).toBe(0);
      const lines = await jsonLines<EnsembleJudgement>(out());
      expect(lines.length).toBeGreaterThan(2);
      const judged = server.requests.filter(isJudge);
      expect(judged.length).toBe(lines.length * 3 * 2);
      expect(new Set(judged.map((r) => r.model))).toEqual(new Set(['judge-a', 'judge-b', 'judge-c']));
      const votes: Record<string, Vote[]> = { 'judge-a': [], 'judge-b': [], 'judge-c': [] };
      for (const line of lines) {
        expect(line.judgeModel).toBe('judge-a,judge-b,judge-c');
        expect(line.ensemble.judges).toEqual(['judge-a', 'judge-b', 'judge-c']);
        for (const j of line.ensemble.judgements) {
          expect(j.judgeConfig).toMatchObject({
            model: j.judgeModel,
            promptHash: JUDGE_PROMPT_HASH,
            runs: 2,
          });
          expect(j.cost!.calls).toBe(2);
        }
        expect(line.cost!.calls).toBe(6);
        for (const item of line.ensemble.items) {
          for (const [judge, f] of Object.entries(scripted)) {
            expect(item.votes[judge]).toBe(f(item.id));
            votes[judge]!.push(item.votes[judge]!);
          }
          // two of three always agree here (a = b), so there is never a tie
          expect(item.majority).toBe(scripted['judge-a']!(item.id));
          expect(item.tie).toBe(false);
          expect(item.mean).toBeCloseTo((2 * scripted['judge-a']!(item.id) + 1) / 3, 10);
        }
        expect(line.runs[0]!.map((i) => i.score)).toEqual(line.ensemble.items.map((i) => i.majority));
      }
      const n = votes['judge-a']!.length;
      expect(votes['judge-a']).toContain(-1);
      expect(votes['judge-a']).toContain(0);
      // judge-c is constant, so its chance agreement equals its raw agreement with anyone: κ = 0
      expect(cohenKappa(votes['judge-a']!, votes['judge-c']!)).toBeCloseTo(0, 12);
      const alpha = krippendorffAlpha(
        votes['judge-a']!.map((_, i) => [
          votes['judge-a']![i]!,
          votes['judge-b']![i]!,
          votes['judge-c']![i]!,
        ]),
        'ordinal',
      );
      expect(result.stdout).toMatch(/^\| Model \| IPE \| MPD \| samples \| judge runs \|/);
      expect(result.stdout).toContain(`κ judge-a vs judge-b: 1.00 [1.00, 1.00] n=${n}`);
      expect(result.stdout).toMatch(new RegExp(`κ judge-a vs judge-c: 0\\.00 \\[[^\\]]+\\] n=${n}`));
      expect(result.stdout).toMatch(new RegExp(`κ judge-b vs judge-c: 0\\.00 \\[[^\\]]+\\] n=${n}`));
      expect(result.stdout).toContain(`α (ordinal) over all judges: ${alpha.value.toFixed(2)} [`);
      const disagreed = votes['judge-a']!.filter((v) => v !== 1).length;
      expect(result.stdout).toContain(`${disagreed} item(s) with differing votes, 0 tie(s) scored 0`);
      // the largest splits first: −1 against +1
      const listed = result.stdout.split('most-disagreed items')[1]!.split('\n').slice(1, 4);
      for (const row of listed) expect(row).toMatch(/ judge-a -1, judge-b -1, judge-c \+1$/);
      expect(result.stdout).toMatch(/judge-c: IPE 100\.0, MPD 100\.0/);
    });
  });

  it('judges re-reads the file; --json gives the same figures', async () => {
    const text = await ws.run(['judges', '--judgements', out()], {}, data('d1'));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('κ judge-a vs judge-b: 1.00 [1.00, 1.00]');
    const json = await ws.run(['judges', '--judgements', out(), '--json', '--top', '2'], {}, data('d1'));
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as {
      kappa: { a: string; b: string; kappa: { value: number; n: number } }[];
      mostDisagreed: unknown[];
      ties: number;
    };
    expect(report.kappa.map((k) => [k.a, k.b, k.kappa.value])).toEqual([
      ['judge-a', 'judge-b', 1],
      ['judge-a', 'judge-c', 0],
      ['judge-b', 'judge-c', 0],
    ]);
    expect(report.mostDisagreed).toHaveLength(2);
    expect(report.ties).toBe(0);
  });

  it('two judges that split give ties, scored 0 and counted', async () => {
    await withFakeOpenAI(ensembleResponder, async (server) => {
      const file = path.join(ws.dir, 'pair.jsonl');
      const result = await ws.run(
        [
          'judge',
          '--scenarios',
          synthesized,
          '--out',
          file,
          '--runs',
          '1',
          '--judge-model',
          'judge-a,judge-c',
        ],
        env(server),
        data('d1'),
      );
      expect(result.code, result.stderr).toBe(0);
      const items = (await jsonLines<EnsembleJudgement>(file)).flatMap((l) => l.ensemble.items);
      const split = items.filter((i) => scripted['judge-a']!(i.id) !== 1);
      expect(split.length).toBeGreaterThan(0);
      for (const i of split) expect(i).toMatchObject({ majority: 0, tie: true });
      expect(result.stdout).toContain(`${split.length} tie(s) scored 0`);
    });
  });

  it('a single --judge-model keeps the plain judgement lines', async () => {
    await withFakeOpenAI(ensembleResponder, async (server) => {
      const file = path.join(ws.dir, 'single.jsonl');
      const result = await ws.run(
        ['judge', '--scenarios', synthesized, '--out', file, '--runs', '1', '--judge-model', 'judge-a'],
        env(server),
        data('d1'),
      );
      expect(result.code, result.stderr).toBe(0);
      const lines = await jsonLines<EnsembleJudgement>(file);
      for (const l of lines) {
        expect(l.judgeModel).toBe('judge-a');
        expect(l).not.toHaveProperty('ensemble');
      }
      expect(result.stdout).not.toContain('inter-judge');
      const wrong = await ws.run(['judges', '--judgements', file], {}, data('d1'));
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/--judgements: \d+ problem\(s\) in .*single\.jsonl[\s\S]*ensemble/);
    });
  });

  it('resumes after SIGKILL mid-batch: an item is written once all its judges are done', async () => {
    await withFakeOpenAI(
      (request, i) => ({ ...ensembleResponder(request, i), delayMs: 60 }),
      async (server) => {
        const file = path.join(ws.dir, 'killed-ensemble.jsonl');
        const args = [
          'judge',
          '--scenarios',
          synthesized,
          '--out',
          file,
          '--runs',
          '1',
          '--concurrency',
          '1',
          '--judge-model',
          'judge-a,judge-b,judge-c',
        ];
        const { child, closed } = ws.start(args, env(server), data('d-kill'));
        while ((await jsonLines(file)).length < 1) await new Promise((r) => setTimeout(r, 20));
        child.kill('SIGKILL');
        await closed;
        const before = await jsonLines(file);
        // killed mid-batch: some samples written, not all
        expect(before.length).toBeLessThan(await sampleCount());
        const resumed = await ws.run(args, env(server), data('d-kill'));
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(resumed.stderr).toMatch(new RegExp(`skipped ${before.length} already done`));
        const after = await jsonLines<EnsembleJudgement>(file);
        expect(after.length).toBe(await sampleCount());
        expect(new Set(after.map((l) => l.id)).size).toBe(after.length);
        expect(after.slice(0, before.length)).toEqual(before);
        for (const l of after) expect(l.ensemble.judgements).toHaveLength(3);
      },
    );
  });

  it('--dry-run adds up every judge’s estimate and sends nothing', async () => {
    await withFakeOpenAI(ensembleResponder, async (server) => {
      const prices = path.join(ws.dir, 'prices.json');
      await writeFile(
        prices,
        JSON.stringify({
          'judge-a': { input: 1, output: 1 },
          'judge-b': { input: 1, output: 1 },
          'judge-c': { input: 2, output: 2 },
        }),
      );
      const run = (models: string) =>
        ws.run(
          [
            'judge',
            '--scenarios',
            synthesized,
            '--out',
            path.join(ws.dir, 'dry.jsonl'),
            '--runs',
            '2',
            '--dry-run',
            '--prices',
            prices,
            '--judge-model',
            models,
          ],
          env(server),
          data('d-dry'),
        );
      const cost = (r: Run) => Number(/at most \$([\d.]+)/.exec(r.stdout)![1]);
      const a = await run('judge-a,judge-b');
      const c = await run('judge-a,judge-b,judge-c');
      expect(a.code, a.stderr).toBe(0);
      // judge-c costs twice judge-a, so adding it doubles the estimate
      expect(cost(c)).toBeCloseTo(2 * cost(a), 3);
      expect(cost(a)).toBeGreaterThan(0);
      expect(server.requests.length).toBe(0);
    });
  });

  it('bad flags exit 2 naming the flag', async () => {
    await withFakeOpenAI(ensembleResponder, async (server) => {
      const judge = (models: string, out = path.join(ws.dir, 'bad.jsonl')) =>
        ws.run(
          ['judge', '--scenarios', synthesized, '--out', out, '--judge-model', models],
          env(server),
          data('d1'),
        );
      const empty = await judge('judge-a,,judge-b');
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/--judge-model: an empty judge name/);
      const twice = await judge('judge-a,judge-a');
      expect(twice.code).toBe(2);
      expect(twice.stderr).toMatch(/--judge-model: judge "judge-a" is named twice/);
      const other = await judge('judge-a,judge-b', path.join(ws.dir, 'ensemble.jsonl'));
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(
        /--out: .* holds judgements by judge-a,judge-b,judge-c, not by judge-a,judge-b/,
      );
      const unpriced = await ws.run(
        ['judge', '--scenarios', synthesized, '--out', path.join(ws.dir, 'bad.jsonl'), '--dry-run'],
        { ...env(server), PSYGRAPH_JUDGE_MODEL: 'gpt-4o-mini,judge-x' },
        data('d1'),
      );
      expect(unpriced.code).toBe(2);
      expect(unpriced.stderr).toMatch(/--prices: no price for judge model "judge-x"/);
      const batched = await ws.run(
        ['judge', '--scenarios', synthesized, '--out', path.join(ws.dir, 'bad.jsonl'), '--batch'],
        { ...env(server), PSYGRAPH_JUDGE_MODEL: 'judge-a,judge-b' },
        data('d1'),
      );
      expect(batched.code).toBe(2);
      expect(batched.stderr).toMatch(/--batch: one judge model at a time/);
      expect(server.requests.length).toBe(0);
    });
  });
});

/** The rewriter plays the target as pleasant: every target turn replaced, everyone else kept. */
function rewriteReply(request: FakeRequest): FakeReply {
  const user = userOf(request);
  const target = /TARGET character: (.*)/.exec(user)![1]!;
  const conversation = /Conversation \(\d+ turns\):\n([\s\S]*?)\n\nSpeakers in order/.exec(user)![1]!;
  const lines = conversation.split('\n').map((line, i) => {
    const speaker = line.slice(0, line.indexOf(':'));
    return speaker === target
      ? `${speaker}: (Smiles warmly) Thank you, I am glad to help with step ${i + 1}.`
      : line;
  });
  return { content: lines.join('\n') };
}

const LONG = 2000;
/**
 * judge-faithful scores the patterns +1 where they show and −1 on the pleasant rewrite, whatever the
 * length or order; judge-holistic rewards pleasant or long conversations (+1) and scores the rest 0.
 */
const probeResponder: Responder = (request) => {
  const system = request.messages[0]!.content;
  if (system.startsWith('You are a script editor')) return rewriteReply(request);
  if (!isJudge(request)) throw new Error(`unexpected request: ${system.slice(0, 40)}`);
  return judgeReply(request, (_id, conversation) => {
    const pleasant = conversation.includes('glad to help');
    if (request.model === 'judge-faithful') return pleasant ? -1 : 1;
    return pleasant || conversation.length > LONG ? 1 : 0;
  });
};

describe('probe-judge', () => {
  it('a faithful judge: no order or padding shift, and IPE falls on the desirability swap (passed)', async () => {
    await withFakeOpenAI(probeResponder, async (server) => {
      const out = path.join(ws.dir, 'probe-faithful.jsonl');
      const result = await ws.run(
        [
          'probe-judge',
          '--scenarios',
          synthesized,
          '--out',
          out,
          '--judge-model',
          'judge-faithful',
          '--seed',
          '4',
        ],
        env(server),
        data('d-probe'),
      );
      expect(result.code, result.stderr).toBe(0);
      const lines = await jsonLines<ProbeLine>(out);
      expect(lines.length).toBeGreaterThan(2);
      const n = lines.length;
      expect(result.stdout).toContain(`order        IPE 0.0 [0.0, 0.0] n=${n}`);
      expect(result.stdout).toMatch(/order .*PASSED/);
      expect(result.stdout).toMatch(/padding .*IPE 0\.0 \[0\.0, 0\.0\].*PASSED/);
      expect(result.stdout).toMatch(
        new RegExp(`desirability IPE -200\\.0 \\[-200\\.0, -200\\.0\\] n=${n}.*PASSED`),
      );
      const rewrites = server.requests.filter((r) =>
        r.messages[0]!.content.startsWith('You are a script editor'),
      );
      expect(rewrites.length).toBe(n);
      expect(new Set(rewrites.map((r) => r.model))).toEqual(new Set(['gpt-4o-mini']));
      const scenarios = await jsonLines<Scenario>(synthesized);
      let reordered = 0;
      for (const l of lines) {
        const ids = (j: ProbeLine['original']['judgement']) => j.runs[0]!.map((i) => i.id);
        const order = ids(l.variants.order!.judgement);
        expect([...order].sort()).toEqual([...ids(l.original.judgement)].sort());
        if (order.join() !== ids(l.original.judgement).join()) reordered++;
        const scenario = scenarios.find((s) => s.id === l.scenarioId)!;
        expect(l.variants.padding!.judgement.turns).toEqual(padConversation(scenario.conversation!));
        const rewrite = l.variants.desirability!.judgement.turns!;
        expect(
          rewrite.filter((t) => t.char === l.character).every((t) => t.content.includes('glad to help')),
        ).toBe(true);
        expect(l.variants.desirability!.rewriteCost.calls).toBe(1);
        expect(l.cost.calls).toBe(5);
      }
      expect(reordered).toBeGreaterThan(0);
    });
  });

  it('a length-biased, likeability-rewarding judge: padding shift positive, desirability failed', async () => {
    await withFakeOpenAI(probeResponder, async (server) => {
      const out = path.join(ws.dir, 'probe-holistic.jsonl');
      const result = await ws.run(
        [
          'probe-judge',
          '--scenarios',
          synthesized,
          '--out',
          out,
          '--judge-model',
          'judge-holistic',
          '--json',
        ],
        env(server),
        data('d-probe'),
      );
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as {
        probes: {
          probe: string;
          ipe: { value: number; lo: number; hi: number; n: number };
          verdict: string;
        }[];
      };
      const by = Object.fromEntries(report.probes.map((p) => [p.probe, p]));
      expect(by.order).toMatchObject({ ipe: { value: 0 }, verdict: 'passed' });
      expect(by.padding).toMatchObject({ ipe: { value: 100, lo: 100, hi: 100 }, verdict: 'failed' });
      expect(by.desirability).toMatchObject({ ipe: { value: 100 }, verdict: 'failed' });
      // the rewrites come from the cache of the first test's data directory: nothing sent again
      expect(server.requests.filter((r) => !isJudge(r))).toHaveLength(0);
    });
  });

  it('resumes after SIGKILL; a re-run with other probes on the same file is refused', async () => {
    await withFakeOpenAI(
      (request, i) => ({ ...probeResponder(request, i), delayMs: 40 }),
      async (server) => {
        const out = path.join(ws.dir, 'probe-killed.jsonl');
        const args = [
          'probe-judge',
          '--scenarios',
          synthesized,
          '--out',
          out,
          '--judge-model',
          'judge-faithful',
          '--probes',
          'padding,order',
          '--concurrency',
          '1',
        ];
        const { child, closed } = ws.start(args, env(server), data('d-pk'));
        while ((await jsonLines(out)).length < 1) await new Promise((r) => setTimeout(r, 20));
        child.kill('SIGKILL');
        await closed;
        const before = await jsonLines(out);
        expect(before.length).toBeLessThan(await sampleCount());
        const resumed = await ws.run(args, env(server), data('d-pk'));
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(resumed.stderr).toMatch(new RegExp(`skipped ${before.length} already done`));
        const after = await jsonLines<ProbeLine>(out);
        expect(after.length).toBe(await sampleCount());
        expect(new Set(after.map((l) => l.id)).size).toBe(after.length);
        for (const l of after) expect(l.probes).toEqual(['order', 'padding']);
        expect(resumed.stdout).not.toContain('desirability');

        const other = await ws.run([...args.slice(0, -4), '--probes', 'order'], env(server), data('d-pk'));
        expect(other.code).toBe(2);
        expect(other.stderr).toMatch(/--out: .* holds probes \["order","padding"\] of judge judge-faithful/);
      },
    );
  });

  it('bad flags exit 2 naming the flag; --dry-run estimates every call and sends nothing', async () => {
    await withFakeOpenAI(probeResponder, async (server) => {
      const base = ['probe-judge', '--scenarios', synthesized, '--out', path.join(ws.dir, 'probe-bad.jsonl')];
      const probes = await ws.run([...base, '--probes', 'order,tone'], env(server), data('d1'));
      expect(probes.code).toBe(2);
      expect(probes.stderr).toMatch(/--probes must be a list of order, padding, desirability \(got "tone"\)/);
      const two = await ws.run([...base, '--judge-model', 'a,b'], env(server), data('d1'));
      expect(two.code).toBe(2);
      expect(two.stderr).toMatch(/--judge-model: probe-judge probes one judge at a time/);
      const seed = await ws.run([...base, '--seed', 'x'], env(server), data('d1'));
      expect(seed.code).toBe(2);
      expect(seed.stderr).toMatch(/--seed must be an integer/);
      const dry = (list: string) =>
        ws.run([...base, '--dry-run', '--probes', list], env(server), data('d-dry2'));
      const cost = (r: Run) => Number(/at most \$([\d.]+)/.exec(r.stdout)![1]);
      const one = await dry('order');
      const all = await dry('order,padding,desirability');
      expect(one.code, one.stderr).toBe(0);
      expect(cost(all)).toBeGreaterThan(cost(one) * 2);
      expect(server.requests.length).toBe(0);
      const capped = await ws.run([...base, '--max-cost', '0.000001'], env(server), data('d-cap'));
      expect(capped.code).toBe(2);
      expect(capped.stderr).toMatch(/--max-cost: the next call .* stopped before sending it/);
      expect(server.requests.length).toBe(0);
    });
  });
});
