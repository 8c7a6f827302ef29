/** The OpenAPI 3.1 document, generated from the route table and its zod schemas (zod 4's toJSONSchema). */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FileResponse, RouteDoc } from './routes/define.js';
import {
  alternativeSchemas,
  alternativesJsonSchema,
  apiSchemas,
  documentedSchemas,
} from '../contract/registry.js';
import { ErrorSchema } from '../contract/responses.js';

type JsonSchema = Record<string, unknown>;

const REF = (id: string) => `#/components/schemas/${id}`;

const STATUS_TEXT: Record<number, string> = {
  400: 'invalid input: the problems name each field (details.problems)',
  404: 'no such id',
  409: 'the request conflicts with the state of what it names (see the message)',
  413: 'request body too large',
  422: 'the request cannot be satisfied as stated (e.g. impossible sampling constraints)',
  503: 'the store is unavailable',
};

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Adds what the contract states for the document only: exclusive alternatives, patterns. */
function override({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const schema = zodSchema as z.ZodType;
  const spec = alternativeSchemas.get(schema);
  if (spec) Object.assign(jsonSchema, alternativesJsonSchema(spec));
  const keywords = documentedSchemas.get(schema);
  if (keywords) Object.assign(jsonSchema, keywords);
}

function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: 'draft-2020-12',
    uri: REF,
    io: 'input',
    unrepresentable: 'any',
    override,
  }) as { schemas: Record<string, JsonSchema> };
  // OpenAPI 3.1 components are plain 2020-12 schemas; the per-document keys do not belong there
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]),
  );
}

function inlineSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override,
  }) as JsonSchema;
  return rest;
}

function refTo(schema: z.ZodType): JsonSchema {
  const id = apiSchemas.get(schema)?.id;
  if (!id) throw new Error('every request body and response schema must be registered in apiSchemas');
  return { $ref: REF(id) };
}

function parameters(route: RouteDoc): JsonSchema[] {
  const list = (where: 'query' | 'path', object: z.ZodObject | undefined) =>
    Object.entries(object?.shape ?? {}).map(([name, field]) => {
      const schema = field as z.ZodType;
      const description = schema.description;
      return {
        name,
        in: where,
        required: where === 'path' || !schema.safeParse(undefined).success,
        ...(description ? { description } : {}),
        schema: inlineSchema(schema),
      };
    });
  return [...list('path', route.params), ...list('query', route.query)];
}

const isFile = (r: RouteDoc['response']): r is FileResponse => 'file' in r;

function operation(route: RouteDoc): JsonSchema {
  const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
  const ok = isFile(route.response)
    ? {
        description: 'the file, as an attachment',
        content: Object.fromEntries(
          // a JSON attachment is a JSON document (graphology's serialised graph), the others text
          route.response.file.map((type) => [
            type,
            { schema: type === 'application/json' ? { type: 'object' } : { type: 'string' } },
          ]),
        ),
      }
    : { description: 'OK', content: json(refTo(route.response)) };
  const errors = Object.fromEntries(
    route.errors.map((status) => [
      String(status),
      { description: STATUS_TEXT[status] ?? 'error', content: json(refTo(ErrorSchema)) },
    ]),
  );
  const params = parameters(route);
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(params.length ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: true, content: json(refTo(route.body)) } } : {}),
    responses: { '200': ok, ...errors },
  };
}

/** GET /api/patterns/:id → getPatternById */
function operationId(route: RouteDoc): string {
  const parts = route.url
    .replace(/^\/api\//, '')
    .split(/[/.]/)
    .map((p) => (p.startsWith(':') ? `By-${p.slice(1)}` : p));
  const camel = parts
    .join('-')
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return route.method.toLowerCase() + camel;
}

export function buildOpenApiDocument(routes: readonly RouteDoc[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'psygraph HTTP API',
      version: packageVersion(),
      description:
        'A causal graph of human psychological patterns: browse it, sample scenarios, compile prompts. ' +
        'Errors are {error: {code, message, details}}; bad input is always 4xx.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    paths,
    components: { schemas: componentSchemas() },
  };
}
