/**
 * One table of routes: each is declared with its zod schemas, which both parse the request and
 * describe it in the OpenAPI document, so no route can be served without being documented.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { NoInput } from '../schemas/requests.js';
import { parseInput } from '../errors.js';

export type Method = 'GET' | 'POST' | 'DELETE';

/** A response that is a file (export), documented by its media types instead of a JSON schema. */
export interface FileResponse {
  file: readonly string[];
}

export interface RouteDoc {
  method: Method;
  /** Fastify form: /api/patterns/:id */
  url: string;
  summary: string;
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType | FileResponse;
  /** Error statuses this route can answer with, besides 500 for a bug. */
  errors: readonly number[];
}

export interface RouteInput<Q extends z.ZodType, P extends z.ZodType, B extends z.ZodType> {
  query: z.output<Q>;
  params: z.output<P>;
  body: z.output<B>;
}

export interface RouteDefinition<
  Q extends z.ZodObject,
  P extends z.ZodObject,
  B extends z.ZodType,
> extends Omit<RouteDoc, 'query' | 'params' | 'body'> {
  query?: Q;
  params?: P;
  body?: B;
  handler: (input: RouteInput<Q, P, B>, reply: FastifyReply) => Promise<unknown>;
}

/** Query values left empty (`?kind=`) mean "no filter", as in an HTML form. */
function withoutEmpty(query: unknown): Record<string, unknown> {
  const entries = Object.entries((query ?? {}) as Record<string, unknown>);
  return Object.fromEntries(entries.filter(([, v]) => v !== ''));
}

export class ApiRoutes {
  readonly docs: RouteDoc[] = [];

  constructor(private readonly app: FastifyInstance) {}

  add<
    Q extends z.ZodObject = typeof NoInput,
    P extends z.ZodObject = typeof NoInput,
    B extends z.ZodType = typeof NoInput,
  >(definition: RouteDefinition<Q, P, B>): void {
    const { handler, ...doc } = definition;
    this.docs.push(doc);
    const query = definition.query ?? NoInput;
    const params = definition.params ?? NoInput;
    const body = definition.body;
    this.app.route({
      method: definition.method,
      url: definition.url,
      handler: async (request, reply) => {
        const input = {
          query: parseInput(query, withoutEmpty(request.query), 'query'),
          params: parseInput(params, request.params ?? {}, 'path'),
          body: body ? parseInput(body, request.body, 'body') : undefined,
        } as RouteInput<Q, P, B>;
        return handler(input, reply);
      },
    });
  }
}
