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
