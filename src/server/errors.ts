import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  ConstraintError,
  type InputProblem,
  InvalidInputError,
  NotFoundError,
  PsygraphError,
  StoreDataError,
  zodProblems,
} from '../model/index.js';
import { BudgetExceededError, InvalidReplyError, LlmRequestError } from '../llm/index.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

function statusOf(err: PsygraphError): number {
  // the model's endpoint failed or kept answering nonsense: a bad gateway, not the caller's fault
  if (err instanceof LlmRequestError || err instanceof InvalidReplyError) return 502;
  if (err instanceof BudgetExceededError) return 503;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof InvalidInputError) return 400;
  if (err instanceof ConstraintError) return 422;
  // damaged data in the store: the server's problem, named as such
  if (err instanceof StoreDataError) return 500;
  return err.callerFault ? 400 : 503;
}

/** Fastify's own 4xx (body parsing, content type, size) under the API's codes. */
const FASTIFY_CODES: Record<number, string> = {
  400: 'invalid_input',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export type InputSource = 'query' | 'path' | 'body';

/** Parses one part of a request; failures become InvalidInputError naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, source: InputSource): z.output<S> {
  if (source === 'body' && value === undefined)
    throw new InvalidInputError(
      'request body is missing: send a JSON object (content-type: application/json)',
      [{ file: 'body', path: '(root)', message: 'missing' }],
    );
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = zodProblems(parsed.error, source).flatMap((problem, i): InputProblem[] => {
    const issue = parsed.error.issues[i]!;
    // zod reports unknown keys on the parent object; name each key as the field at fault
    if (issue.code !== 'unrecognized_keys') return [problem];
    const parent = problem.path === '(root)' ? '' : `${problem.path}.`;
    return issue.keys.map((key) => ({ file: source, path: `${parent}${key}`, message: 'unknown field' }));
  });
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  throw new InvalidInputError(`invalid ${source}: ${first.path}: ${first.message}${more}`, problems);
}

/**
 * The core names its inputs by CLI flag (`--include`, `-n`); over HTTP the same messages name the
 * body field instead (`include`, `n`), so a client can point at what to fix.
 */
export function withFieldNames(err: unknown, renames: Record<string, string> = {}): unknown {
  if (!(err instanceof PsygraphError)) return err;
  const message = err.message.replace(/(^|[\s(])(-n|--[a-z][a-z-]*)\b/g, (_m, pre: string, flag: string) => {
    const field =
      renames[flag] ?? flag.replace(/^-+/, '').replace(/-([a-z])/g, (_x, c: string) => c.toUpperCase());
    return `${pre}${field}`;
  });
  if (message === err.message) return err;
  if (err instanceof InvalidInputError) return new InvalidInputError(message, err.problems);
  if (err instanceof ConstraintError) return new ConstraintError(message, err.details);
  if (err instanceof NotFoundError) return new NotFoundError(message, err.details);
  return err;
}

/**
 * No route for this method and path: 405 with `Allow` when the path exists under other methods
 * (`allowed`), else 404.
 */
export function notFoundReply(
  request: FastifyRequest,
  reply: FastifyReply,
  allowed: (pathname: string) => string[] = () => [],
): FastifyReply {
  const methods = allowed(request.url.split('?')[0] ?? '/');
  if (methods.length) {
    return reply
      .code(405)
      .header('allow', methods.join(', '))
      .send(
        errorBody('method_not_allowed', `${request.method} is not allowed on ${request.url.split('?')[0]}`, {
          allow: methods,
        }),
      );
  }
  return reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url}`));
}

/** Every error leaves as `{error: {code, message, details}}`; the caller's mistakes are 4xx. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    if (err instanceof PsygraphError) {
      return reply.code(statusOf(err)).send(errorBody(err.code, err.message, err.details));
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.code(400).send(errorBody('invalid_input', err.message, fe.validation));
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code = FASTIFY_CODES[fe.statusCode] ?? 'bad_request';
      if (fe.statusCode === 415)
        return reply
          .code(415)
          .send(errorBody(code, 'send the body as JSON (content-type: application/json)'));
      // a body Fastify could not parse (malformed or empty JSON) is invalid input like any other
      const details =
        fe.statusCode === 400
          ? { problems: [{ file: 'body', path: '(root)', message: err.message }] }
          : undefined;
      return reply.code(fe.statusCode).send(errorBody(code, err.message, details));
    }
    request.log.error(err);
    return reply.code(500).send(errorBody('internal', 'internal error'));
  });
}
