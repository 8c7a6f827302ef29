/**
 * One table of routes: each is declared with its zod schemas, which both parse the request and
 * describe it in the OpenAPI document, so no route can be served without being documented.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { NoInput } from '../../contract/requests.js';
import { InvalidInputError } from '../../model/index.js';
import { parseContract } from '../../contract/parse.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

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

/**
 * A query parameter given with no value (`?kind=`) is rejected, not read as "no filter": the
 * document declares every parameter as a non-empty value, and a generated client must be able to
 * trust that. Leave a parameter out to mean "no filter".
 */
function rejectEmpty(query: unknown): unknown {
  const empty = Object.entries((query ?? {}) as Record<string, unknown>)
    .filter(([, v]) => v === '')
    .map(([k]) => k);
  if (empty.length) {
    throw new InvalidInputError(
      `invalid query: ${empty[0]}: must not be empty (leave the parameter out instead)`,
      empty.map((k) => ({ file: 'query', path: k, message: 'must not be empty' })),
    );
  }
  return query ?? {};
}

export class ApiRoutes {
  readonly docs: RouteDoc[] = [];
  private readonly patterns: { method: Method; match: RegExp }[] = [];

  constructor(private readonly app: FastifyInstance) {}

  add<
    Q extends z.ZodObject = typeof NoInput,
    P extends z.ZodObject = typeof NoInput,
    B extends z.ZodType = typeof NoInput,
  >(definition: RouteDefinition<Q, P, B>): void {
    const { handler, ...doc } = definition;
    this.docs.push(doc);
    const pattern = definition.url.replace(/:[^/]+/g, '[^/]+');
    this.patterns.push({ method: definition.method, match: new RegExp(`^${pattern}$`) });
    const query = definition.query ?? NoInput;
    const params = definition.params ?? NoInput;
    const body = definition.body;
    this.app.route({
      method: definition.method,
      url: definition.url,
      handler: async (request, reply) => {
        const input = {
          query: parseContract(query, rejectEmpty(request.query), 'query'),
          params: parseContract(params, request.params ?? {}, 'path'),
          body: body ? parseContract(body, request.body, 'body') : undefined,
        } as RouteInput<Q, P, B>;
        return handler(input, reply);
      },
    });
  }

  /**
   * The methods declared for a concrete path (`/api/patterns/x`), HEAD with GET; empty when no
   * route has the path. An undeclared method on a declared path answers 405 with these in `Allow`.
   */
  allowedMethods(pathname: string): string[] {
    const methods = new Set<string>();
    for (const p of this.patterns) {
      if (!p.match.test(pathname)) continue;
      methods.add(p.method);
      if (p.method === 'GET') methods.add('HEAD');
    }
    return [...methods].sort();
  }
}
