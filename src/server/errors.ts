import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ConflictError,
  ConstraintError,
  InvalidInputError,
  NotFoundError,
  PsygraphError,
  StoreDataError,
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
  if (err instanceof ConflictError) return 409;
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
