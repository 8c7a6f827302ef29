/** GET /api/openapi.json over loopback: a structurally valid OpenAPI 3.1 document of every route. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { SAMPLE } from '../src/contract/limits.js';
import { DEFAULT_SAMPLER, clampSampler } from '../ui/src/state/url.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

type Json = Record<string, unknown>;

/** Every route of the contract (api-contract), method and OpenAPI path. */
const CONTRACT: [string, string][] = [
  ['get', '/api/health'],
  ['get', '/api/stats'],
  ['get', '/api/graph'],
  ['get', '/api/traits'],
  ['get', '/api/paths'],
  ['get', '/api/patterns'],
  ['get', '/api/patterns/{id}'],
  ['get', '/api/relations'],
  ['get', '/api/situations'],
  ['post', '/api/sample'],
  ['post', '/api/prompt'],
  ['get', '/api/scenarios'],
  ['get', '/api/scenarios/{id}'],
  ['post', '/api/scenarios'],
  ['delete', '/api/scenarios/{id}'],
  ['get', '/api/export'],
  ['get', '/api/openapi.json'],
  ['get', '/api/llm'],
  ['post', '/api/llm/synth'],
  ['post', '/api/llm/checklist'],
  ['post', '/api/llm/judge'],
  ['post', '/api/llm/evaluate'],
  ['get', '/api/annotation-sets'],
  ['get', '/api/annotation-sets/{id}'],
  ['get', '/api/annotation-sets/{id}/annotations'],
  ['put', '/api/annotation-sets/{id}/annotations'],
  ['get', '/api/annotation-sets/{id}/judge'],
];

let doc: Json;
let stop: () => Promise<void>;
beforeAll(async () => {
  const tmp = await tempDir('psygraph-openapi-');
  const store = await MemoryStore.open({ dataDir: path.join(tmp.dir, 'data') });
  const app = await buildApp({ store });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const res = await fetch(`${base}/api/openapi.json`);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await res.json()) as Json;
  stop = async () => {
    await app.close();
    await tmp.cleanup();
  };
});
afterAll(() => stop());

/** Every `$ref` anywhere in a value. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with info and components', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const info = doc.info as Json;
    expect(typeof info.title).toBe('string');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys((doc.components as { schemas: Json }).schemas)).toEqual(
      expect.arrayContaining(['Pattern', 'Relation', 'Situation', 'Scenario', 'Error']),
    );
  });

  it('lists exactly the contract routes', () => {
    const paths = doc.paths as Record<string, Json>;
    const listed = Object.entries(paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(listed.sort()).toEqual(CONTRACT.map(([m, p]) => `${m} ${p}`).sort());
  });

  it('gives every operation an id, a summary, its parameters and schemas for every response', () => {
    const operationIds = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(typeof op.operationId, `${method} ${p}`).toBe('string');
        operationIds.add(op.operationId as string);
        expect(typeof op.summary).toBe('string');
        const params = (op.parameters ?? []) as Json[];
        for (const name of [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
          expect(params).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }));
        }
        for (const param of params) {
          expect(['path', 'query']).toContain(param.in);
          expect(param.schema).toBeTypeOf('object');
        }
        const responses = op.responses as Record<string, Json>;
        expect(Object.keys(responses)).toContain('200');
        for (const [status, response] of Object.entries(responses)) {
          expect(status).toMatch(/^[2-5]\d\d$/);
          expect(typeof response.description).toBe('string');
          const content = Object.values(response.content as Record<string, Json>);
          expect(content.length, `${method} ${p} ${status}`).toBeGreaterThan(0);
          for (const media of content) expect(media.schema).toBeTypeOf('object');
        }
        if (method === 'post') {
          const body = op.requestBody as { content: Record<string, Json> };
          expect(body.content['application/json']!.schema).toBeTypeOf('object');
        }
      }
    }
    expect(operationIds.size).toBe(CONTRACT.length);
  });

  it('documents query parameters and error responses', () => {
    const paths = doc.paths as Record<string, Record<string, { parameters?: Json[]; responses: Json }>>;
    const relations = paths['/api/relations']!.get!;
    expect(relations.parameters!.map((p) => p.name)).toEqual(['type', 'pattern', 'minStrength']);
    expect(Object.keys(paths['/api/sample']!.post!.responses)).toEqual(['200', '400', '422', '503']);
    expect(Object.keys(paths['/api/patterns/{id}']!.get!.responses)).toContain('404');
  });

  it('resolves every $ref to a component schema', () => {
    const schemas = (doc.components as { schemas: Json }).schemas;
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(20);
    for (const ref of all) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas[ref.replace('#/components/schemas/', '')], ref).toBeTypeOf('object');
    }
  });

  it('describes the sample request with its bounds', () => {
    const sample = (doc.components as { schemas: Record<string, Json> }).schemas.SampleRequest!;
    const n = (sample.properties as Record<string, Json>).n!;
    expect(n).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(sample.required).toEqual(['n']);
  });

  it('states exclusive alternatives as oneOf, and a field that needs another field’s value', () => {
    const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
    const branches = (schema: Json) => (schema.oneOf as { required: string[] }[]).map((b) => b.required);
    expect(branches(schemas.PromptRequest!)).toEqual([
      ['scenario'],
      ['scenarioId'],
      ['patterns', 'situation'],
    ]);
    for (const name of ['SynthRequest', 'ChecklistRequest', 'JudgeRequest', 'EvaluateRequest'])
      expect(branches(schemas[name]!), name).toEqual([['scenario'], ['scenarioId']]);
    expect(schemas.PromptRequest!.allOf).toEqual([
      {
        if: { required: ['character'] },
        then: { required: ['format'], properties: { format: { const: 'roleplay' } } },
      },
    ]);
  });

  it('states the relation-type list as the pattern the server accepts', () => {
    const paths = doc.paths as Record<string, Record<string, { parameters: Json[] }>>;
    const type = paths['/api/relations']!.get!.parameters.find((p) => p.name === 'type')!;
    const pattern = new RegExp((type.schema as { pattern: string }).pattern);
    for (const ok of ['REINFORCES', 'conflicts, Modulates', ' EXCLUDES ,VARIANT_OF'])
      expect(ok).toMatch(pattern);
    for (const bad of ['', 'LIKES', 'REINFORCES,', 'REINFORCES,,CONFLICTS']) expect(bad).not.toMatch(pattern);
  });
});

describe('one limit, three surfaces', () => {
  it('takes the sample size bounds from the contract into the document, the CLI help and the explorer', async () => {
    const size = (doc.components as { schemas: Record<string, Json> }).schemas.SampleRequest!
      .properties as Record<string, { prefixItems: Json[] }>;
    for (const item of size.size!.prefixItems)
      expect(item).toMatchObject({ minimum: SAMPLE.size.min, maximum: SAMPLE.size.max });
    const help = (await runCli(['sample', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`within ${SAMPLE.size.min}-${SAMPLE.size.max}`);
    const clamped = clampSampler({ ...DEFAULT_SAMPLER, sizeMin: 1, sizeMax: 99 });
    expect([clamped.sizeMin, clamped.sizeMax]).toEqual([SAMPLE.size.min, SAMPLE.size.max]);
  });
});

describe('attachments', () => {
  it('declares the JSON export as a JSON object and the other formats as text', () => {
    const content = (doc.paths as Json)['/api/export'] as Json;
    const ok = ((content.get as Json).responses as Json)['200'] as Json;
    const media = ok.content as Record<string, { schema: { type: string } }>;
    expect(media['application/json']!.schema.type).toBe('object');
    expect(media['application/xml']!.schema.type).toBe('string');
    expect(media['text/plain']!.schema.type).toBe('string');
  });
});
