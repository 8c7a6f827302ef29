/** What can go wrong talking to an LLM, as error classes the CLI maps to exit codes. */
import OpenAI from 'openai';
import { PsygraphError } from '../model/index.js';

/** The endpoint refused a request (bad key, unknown model, bad request) or stayed unreachable. */
export class LlmRequestError extends PsygraphError {
  readonly code = 'llm_request_failed';
  constructor(
    message: string,
    readonly callerFault: boolean,
  ) {
    super(message);
  }
}

const HINTS: Record<number, string> = {
  401: 'check OPENAI_API_KEY',
  403: 'check OPENAI_API_KEY',
  404: 'check --model and OPENAI_BASE_URL',
  400: 'a server without JSON-schema support needs --json-mode',
};

export function requestError(err: unknown, what: string, baseURL: string): unknown {
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const hint = HINTS[err.status] ? ` (${HINTS[err.status]})` : '';
    return new LlmRequestError(
      `${what}: ${baseURL} answered ${err.status}: ${err.message}${hint}`,
      err.status < 500,
    );
  }
  if (err instanceof OpenAI.APIConnectionError)
    return new LlmRequestError(`${what}: cannot reach ${baseURL} (OPENAI_BASE_URL): ${err.message}`, false);
  return err;
}

/** The model kept answering with something that does not validate; nothing was saved. */
export class InvalidReplyError extends PsygraphError {
  readonly code: string = 'invalid_reply';
  readonly callerFault = false;
}

/**
 * The server stopped the reply at the token limit (finish_reason "length"): the reply is cut off,
 * so it is neither repaired nor saved; the item fails and is counted as truncated.
 */
export class TruncatedReplyError extends InvalidReplyError {
  override readonly code = 'truncated_reply';
}
