import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidReplyError,
  LlmClient,
  compileChecklist,
  computeMetrics,
  conversationProblems,
  evaluateScenario,
  judgeCharacter,
  metricsByModel,
  parseConversation,
  refineChecklist,
  resultsTable,
  synthesizeScenario,
  type Judgement,
} from '../src/llm/index.js';
import { ScenarioSchema } from '../src/model/index.js';
import { createPromptContext } from '../src/prompt/index.js';
import { sampleScenarios } from '../src/sample/sample.js';
import { miniCatalog } from './helpers/catalog.js';
import { type FakeServer, pipelineResponder, startFakeOpenAI } from './helpers/fake-openai.js';
import { tempDir } from './helpers/tmp.js';

let server: FakeServer | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await server?.close();
  await cleanup?.();
});

async function clients(models: string[]) {
  server = await startFakeOpenAI(pipelineResponder());
  const tmp = await tempDir();
  cleanup = tmp.cleanup;
  return models.map(
    (model) =>
      new LlmClient({
        model,
        baseURL: server!.url,
        cacheDir: path.join(tmp.dir, 'llm-cache'),
        retry: { baseMs: 1 },
      }),
  );
}

describe('the LLM pipeline, from sampled scenario to an IPE / MPD table', () => {
  const catalog = miniCatalog();
  const ctx = createPromptContext(catalog);
  const drafts = sampleScenarios(catalog, {
    n: 3,
    seed: 7,
    size: [2, 3],
    situations: ['adversity'],
  }).scenarios;

  it('synthesizes, checks, judges and aggregates', async () => {
    const [writer, judge, target] = await clients(['gpt-4o', 'gpt-4o-mini', 'gpt-4.1-nano']);
    const judgements: Judgement[] = [];
    const evaluated: Judgement[] = [];
    for (const draft of drafts) {
      const scenario = await synthesizeScenario(draft, ctx, writer!);
      // the synthesized scenario is still a valid interchange scenario, with names and provenance
      expect(ScenarioSchema.parse(scenario)).toEqual(scenario);
      expect(scenario.characters.every((c) => c.name)).toBe(true);
      expect(scenario.conversation!.length).toBeGreaterThanOrEqual(12);
      expect(scenario.provenance).toMatchObject({ model: 'gpt-4o', promptHash: expect.any(String) });
      expect(scenario.provenance!.usage!.promptTokens).toBeGreaterThan(0);

      const checklist = compileChecklist(scenario, ctx);
      for (const c of scenario.characters) {
        const mine = checklist.items.filter((i) => i.character === c.name);
        const scenarioLevel = mine.filter((i) => i.level === 'scenario');
        expect(scenarioLevel.length).toBeGreaterThanOrEqual(2);
        expect(scenarioLevel.length).toBeLessThanOrEqual(6);
        // every scenario-level item records the edge or pattern it tests
        for (const item of scenarioLevel) expect(item.relation ?? item.pattern).toBeTruthy();
        for (const item of scenarioLevel.filter((i) => i.relation))
          expect(scenario.relations).toContain(item.relation);
        expect(mine.filter((i) => i.level === 'pattern').length).toBe(12 * c.patterns.length);
        const { judgement } = await judgeCharacter(
          {
            scenario,
            turns: scenario.conversation!,
            character: c.name!,
            checklist,
            model: 'gpt-4o',
            runs: 3,
          },
          judge!,
        );
        expect(judgement.runs).toHaveLength(3);
        expect(judgement.provenance).toMatchObject({ model: 'gpt-4o-mini', promptHash: expect.any(String) });
        for (const s of judgement.runs.flat()) if (s.score !== 0) expect(s.evidence).not.toBe('');
        judgements.push(judgement);
      }
      const { judgement } = await evaluateScenario(scenario, ctx, target!, {
        character: 0,
        runs: 3,
        judge: judge!,
        checklist,
      });
      expect(
        judgement
          .turns!.filter((t) => t.char === scenario.characters[0]!.name)
          .every((t) => t.content.includes('I hear you')),
      ).toBe(true);
      expect(judgement.provenance!.model).toBe('gpt-4.1-nano');
      expect(judgement.provenance!.usage!.completionTokens).toBeGreaterThan(0);
      evaluated.push(judgement);
    }
    const report = computeMetrics(judgements, 'gpt-4o');
    expect(report.ipe.runs).toBe(3);
    expect(report.ipe.samples).toBe(judgements.length);
    expect(report.ipe.sd).toBeGreaterThan(0);
    for (const m of [report.ipe.mean, report.mpd.mean]) expect(Math.abs(m)).toBeLessThanOrEqual(100);
    expect(Object.keys(report.byRelationType).length).toBeGreaterThan(0);
    const table = resultsTable(metricsByModel([...judgements, ...evaluated]));
    expect(table).toMatch(/^\| Model \| IPE \| MPD \| samples \| judge runs \|/);
    expect(table).toMatch(/\| gpt-4o \| -?\d+\.\d±\d+\.\d \| -?\d+\.\d±\d+\.\d \|/);
    expect(table).toMatch(/\| gpt-4\.1-nano \|/);
  });

  it('the checklist refinement keeps every id and what it tests', async () => {
    const [writer] = await clients(['gpt-4o']);
    const record = compileChecklist(drafts[0]!, ctx);
    const refined = await refineChecklist(drafts[0]!, record, writer!);
    expect(refined.value.items.map((i) => [i.id, i.relation, i.pattern])).toEqual(
      record.items.map((i) => [i.id, i.relation, i.pattern]),
    );
    expect(refined.value.items.find((i) => i.level === 'scenario')!.text).toMatch(/^Observable behaviour/);
    expect(refined.value.provenance).toMatchObject({ model: 'gpt-4o', createdAt: expect.any(String) });
  });
});

describe('conversation checks', () => {
  const lines = (n: number, speaker = (i: number) => (i % 2 ? 'Maya' : 'Owen')) =>
    Array.from({ length: n }, (_, i) => `${speaker(i)}: [thinking] (waves) Hello number ${i}.`).join('\n');

  it('parses Name: [thought] (action) speech, with continuation lines', () => {
    const turns = parseConversation(
      'Owen: [Late again.] (Taps watch) Ready?\nstill waiting\n\nMaya: (Nods) Yes.',
    );
    expect(turns).toEqual([
      { char: 'Owen', content: '[Late again.] (Taps watch) Ready? still waiting' },
      { char: 'Maya', content: '(Nods) Yes.' },
    ]);
  });

  it('names every problem: length, strangers, missing speech, a named pattern', () => {
    const turns = parseConversation(
      [lines(8), 'Zed: Who am I?', 'Maya: [quiet] (sits)', 'Owen: I feel so chatty today.'].join('\n'),
    );
    const problems = conversationProblems(turns, ['Maya', 'Owen'], ['talkative', 'chatty', 'quiet']);
    expect(problems).toEqual([
      expect.stringMatching(/^write 12–20 turns \(got 11\)$/),
      expect.stringMatching(/turn 9 \(Zed\): "Zed" is not in the cast/),
      expect.stringMatching(/turn 10 \(Maya\): has no speech/),
      expect.stringMatching(/turn 11 \(Owen\): names the pattern "chatty"/),
    ]);
  });

  it('regenerates a conversation that names a pattern, and fails after the bound', async () => {
    const catalog = miniCatalog();
    const ctx = createPromptContext(catalog);
    const draft = sampleScenarios(catalog, { n: 1, seed: 3, size: [2, 2], situations: ['adversity'] })
      .scenarios[0]!;
    const base = pipelineResponder();
    let conversations = 0;
    server = await startFakeOpenAI((req, i) => {
      if (!req.messages[0]!.content.startsWith('You are a screenwriter')) return base(req, i);
      conversations++;
      const name = catalog.patterns.find((p) => p.id === draft.patterns[0])!.name;
      return {
        content: Array.from(
          { length: 14 },
          (_, k) => `${k % 2 ? 'Maya' : 'Owen'}: (Shrugs) So ${name}, right?`,
        ).join('\n'),
      };
    });
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const client = new LlmClient({ model: 'gpt-4o', baseURL: server.url, cacheDir: path.join(tmp.dir, 'c') });
    await expect(synthesizeScenario(draft, ctx, client, 2)).rejects.toBeInstanceOf(InvalidReplyError);
    expect(conversations).toBe(3);
    const last = server.requests.at(-1)!.messages.at(-1)!.content;
    expect(last).toMatch(/names the pattern/);
  });
});
