import type { FastifyError, FastifyInstance } from 'fastify';
import { ConstraintError, InvalidInputError, NotFoundError, PsygraphError } from '../model/index.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

function statusOf(err: PsygraphError): number {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof InvalidInputError) return 400;
  if (err instanceof ConstraintError) return 422;
  return err.callerFault ? 400 : 503;
}

/** Every error leaves as `{error: {code, message, details}}`; the caller's mistakes are 4xx. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url}`));
  });
  app.setErrorHandler((err: FastifyError | Error, request, reply) => {
    if (err instanceof PsygraphError) {
      return reply.code(statusOf(err)).send(errorBody(err.code, err.message, err.details));
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.code(400).send(errorBody('invalid_input', err.message, fe.validation));
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send(errorBody(fe.code ?? 'bad_request', err.message));
    }
    request.log.error(err);
    return reply.code(500).send(errorBody('internal', 'internal error'));
  });
}
