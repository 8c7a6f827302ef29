import { z } from 'zod';

/**
 * Every named schema of the API. The OpenAPI document is generated from this registry, so a
 * request or response shape that is not registered here cannot be served undocumented.
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

export function named<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  apiSchemas.add(schema, description ? { id, description } : { id });
  return schema;
}

/**
 * Exclusive alternatives of an object's fields, for the document: the schema validates them in its
 * own rules (with messages naming the fields); JSON Schema states them as `oneOf` branches, each
 * requiring its fields and forbidding the others', and as `if`/`then` for a field that needs
 * another field's value.
 */
export interface Alternatives {
  oneOf: { required: readonly string[]; forbid: readonly string[] }[];
  requires?: { field: string; when: Record<string, string> }[];
}

export const alternativeSchemas = z.registry<Alternatives>();

export function alternatives<S extends z.ZodType>(schema: S, spec: Alternatives): S {
  alternativeSchemas.add(schema, spec);
  return schema;
}

/** The JSON Schema keywords that state `spec`. */
export function alternativesJsonSchema(spec: Alternatives): Record<string, unknown> {
  const forbidding = (fields: readonly string[]) =>
    fields.length ? { not: { anyOf: fields.map((f) => ({ required: [f] })) } } : {};
  return {
    oneOf: spec.oneOf.map((b) => ({ required: [...b.required], ...forbidding(b.forbid) })),
    ...(spec.requires?.length
      ? {
          allOf: spec.requires.map((r) => ({
            if: { required: [r.field] },
            then: {
              required: Object.keys(r.when),
              properties: Object.fromEntries(Object.entries(r.when).map(([k, v]) => [k, { const: v }])),
            },
          })),
        }
      : {}),
  };
}

/**
 * JSON Schema keywords a schema's own validation enforces in code (a transform, a split list) and
 * the document states directly, such as a `pattern` for the accepted strings.
 */
export const documentedSchemas = z.registry<Record<string, unknown>>();

export function documented<S extends z.ZodType>(schema: S, keywords: Record<string, unknown>): S {
  documentedSchemas.add(schema, keywords);
  return schema;
}
