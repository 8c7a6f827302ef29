/**
 * A judge you can trust (issue 18, item 6): per-request reply schemas that pin every item id and
 * the cast, truncated replies reported as such, --max-tokens, a judge run whose items all fail
 * ending with a summary (not a caller error), and the judge configuration and cost recorded on
 * every judgement. The built CLI against the local fake OpenAI-compatible server.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JUDGE_PROMPT_HASH, JUDGE_SCHEMA_HASH, type Judgement } from '../src/llm/index.js';
import type { Scenario } from '../src/model/index.js';
import { type FakeServer, pipelineResponder, startFakeOpenAI } from './helpers/fake-openai.js';
import { type LlmWorkspace, jsonLines, llmWorkspace } from './helpers/llm-run.js';
import { tempDir } from './helpers/tmp.js';

let cleanup: () => Promise<void> = async () => {};
let ws: LlmWorkspace;
let drafts = '';
let synthesized = '';
let server: FakeServer;

const env = () => ({ OPENAI_BASE_URL: server.url, PSYGRAPH_MODEL: 'gpt-4o-mini' });
const data = (name: string) => path.join(ws.dir, name);

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  ws = await llmWorkspace(t.dir);
  drafts = await ws.drafts(3, 5, path.join(t.dir, 'drafts.jsonl'));
  server = await startFakeOpenAI(pipelineResponder());
  synthesized = path.join(t.dir, 'synth.jsonl');
  const synth = await ws.run(['synth', '--scenarios', drafts, '--out', synthesized], env(), data('d0'));
  expect(synth.code, synth.stderr).toBe(0);
});
afterAll(async () => {
  await server?.close();
  await cleanup();
});

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  prefixItems?: Schema[];
  items?: Schema | false;
  minItems?: number;
  maxItems?: number;
  const?: unknown;
};

describe('judge reply schema', () => {
  it('requires exactly the asked item ids, so constrained decoding must score every item', async () => {
    const first = server.requests.length;
    const out = path.join(ws.dir, 'judged.jsonl');
    const result = await ws.run(
      ['judge', '--scenarios', synthesized, '--out', out, '--runs', '1', '--temperature', '0'],
      env(),
      data('d1'),
    );
    expect(result.code, result.stderr).toBe(0);
    const judgeRequests = server.requests
      .slice(first)
      .filter((r) => r.messages[0]!.content.startsWith('You are a strict judge'));
    const judgements = await jsonLines<Judgement>(out);
    expect(judgeRequests.length).toBe(judgements.length);
    expect(judgements.length).toBeGreaterThan(0);
    for (const request of judgeRequests) {
      const user = request.messages.find((m) => m.role === 'user')!.content;
      const asked = [...user.matchAll(/^- \[([^\]]+)\]/gm)].map((m) => m[1]!);
      const schema = request.response_format!.json_schema!.schema as Schema;
      const scores = schema.properties!.scores!;
      expect(scores.required).toEqual(asked);
      expect(Object.keys(scores.properties!)).toEqual(asked);
      expect(scores.additionalProperties).toBe(false);
      expect(schema.required).toEqual(['scores']);
      expect(request.temperature).toBe(0);
      expect(request.max_tokens).toBe(4000);
    }
  });

  it('records the judge configuration and cost on every judgement', async () => {
    const judgements = await jsonLines<Judgement>(path.join(ws.dir, 'judged.jsonl'));
    for (const j of judgements) {
      expect(j.judgeConfig).toEqual({
        model: 'gpt-4o-mini',
        promptHash: JUDGE_PROMPT_HASH,
        schemaHash: JUDGE_SCHEMA_HASH,
        temperature: 0,
        runs: 1,
        maxTokens: 4000,
      });
      expect(j.cost!.calls).toBe(1);
      expect(j.cost!.cacheHits).toBe(0);
      expect(j.cost!.promptTokens).toBeGreaterThan(0);
      expect(j.cost!.usd).toBeGreaterThan(0);
      // every item scored, in the checklist's order
      expect(j.runs[0]!.length).toBeGreaterThan(0);
    }
    expect(JUDGE_PROMPT_HASH).toMatch(/^[0-9a-f]{16}$/);
    expect(JUDGE_SCHEMA_HASH).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('scene reply schema', () => {
  it('pins the number of supporting profiles, and the names a scenario already has', async () => {
    const scenes = server.requests.filter((r) => r.response_format?.json_schema?.name === 'scene');
    const draftList = await jsonLines<Scenario>(drafts);
    expect(scenes.length).toBe(draftList.length);
    for (const [i, request] of scenes.entries()) {
      const supporting = draftList[i]!.characters.filter((c) => c.role === 'supporting').length;
      const cast = (request.response_format!.json_schema!.schema as Schema).properties!.charactersProfiles!;
      const list = cast.properties!.supportingCharacter!;
      expect([list.minItems, list.maxItems]).toEqual([supporting, supporting]);
    }
    // a synthesized scenario (named cast) asked again: every name is pinned with const
    const named = (await jsonLines<Scenario>(synthesized))[0]!;
    const { sceneFormat, jsonSchemaOf } = await import('../src/llm/index.js');
    const schema = jsonSchemaOf(sceneFormat(named).schema) as Schema;
    const cast = schema.properties!.charactersProfiles!;
    const names = named.characters.map((c) => c.name);
    expect(cast.properties!.protagonist!.properties!.name!.const).toBe(names[0]);
    expect(cast.properties!.supportingCharacter!.prefixItems!.map((p) => p.properties!.name!.const)).toEqual(
      names.slice(1),
    );
    expect(cast.properties!.supportingCharacter!.items).toBe(false);
  });
});

describe('truncated replies and --max-tokens', () => {
  it('a reply cut off at the token limit is reported as truncated, counted, not repaired, not saved', async () => {
    const cut = await startFakeOpenAI([{ content: '{"storyBackground": "A long', finishReason: 'length' }]);
    try {
      const out = path.join(ws.dir, 'cut.jsonl');
      const result = await ws.run(
        ['synth', '--scenarios', drafts, '--out', out, '--max-tokens', '64'],
        { OPENAI_BASE_URL: cut.url, PSYGRAPH_MODEL: 'gpt-4o-mini' },
        data('d2'),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/cut off at the 64-token limit \(finish_reason "length"\)/);
      expect(result.stderr).toMatch(
        /synth: wrote 0, skipped 0 already done, 3 failed \(3 cut off at the token limit\)/,
      );
      expect(result.stderr).toMatch(
        /3 item\(s\) failed validation and were not written \(3 of them cut off at the token limit: raise --max-tokens\)/,
      );
      // one call per item: a cut-off reply is not re-asked
      expect(cut.requests.length).toBe(3);
      expect(cut.requests.every((r) => r.max_tokens === 64)).toBe(true);
      expect(await jsonLines(out)).toEqual([]);
    } finally {
      await cut.close();
    }
  });

  it('--max-tokens must be a positive integer', async () => {
    const result = await ws.run(
      ['judge', '--scenarios', synthesized, '--out', path.join(ws.dir, 'x.jsonl'), '--max-tokens', '0'],
      env(),
      data('d3'),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--max-tokens/);
  });
});

describe('a judge run whose items all fail', () => {
  it('ends with a summary and exit 1, not an ENOENT blamed on --out', async () => {
    const bad = await startFakeOpenAI([{ content: '{"scores": {}}' }]);
    try {
      const out = path.join(ws.dir, 'all-failed.jsonl');
      const result = await ws.run(
        ['judge', '--scenarios', synthesized, '--out', out, '--runs', '1'],
        { OPENAI_BASE_URL: bad.url, PSYGRAPH_MODEL: 'gpt-4o-mini' },
        data('d4'),
      );
      expect(result.stderr).not.toMatch(/ENOENT|cannot read/);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/judge: wrote 0, skipped 0 already done, (\d+) failed/);
      expect(result.stderr).toMatch(/item\(s\) failed validation and were not written/);
      expect(result.stderr).toMatch(/judge: no judgements in .*all-failed\.jsonl yet/);
      expect(result.stderr).toMatch(/scores: Invalid input|scores\.[^:]+: /);
      expect(await jsonLines(out)).toEqual([]);
    } finally {
      await bad.close();
    }
  });
});
