/**
 * Error classes say what kind of failure happened, so that callers (CLI exit codes, HTTP statuses,
 * tests) decide on the class rather than on message text.
 */
export abstract class PsygraphError extends Error {
  /** Stable machine-readable code, also used in HTTP error bodies. */
  abstract readonly code: string;
  /** True when the caller's input was at fault (CLI exit 2, HTTP 4xx). */
  abstract readonly callerFault: boolean;
  readonly details: unknown;

  constructor(message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** One problem found while validating input, located by file (or source) and JSON path. */
export interface InputProblem {
  file?: string;
  path: string;
  message: string;
}

export function formatProblem(p: InputProblem): string {
  const where = [p.file, p.path].filter(Boolean).join(': ');
  return where ? `${where}: ${p.message}` : p.message;
}

/** A failure that lists its problems, each located by file (or source) and JSON path. */
abstract class ProblemListError extends PsygraphError {
  readonly problems: InputProblem[];

  constructor(message: string, problems: InputProblem[] = []) {
    super(message, problems.length ? { problems } : undefined);
    this.problems = problems;
  }
}

/** Bad input: a malformed file, field, flag or request body. */
export class InvalidInputError extends ProblemListError {
  readonly code = 'invalid_input';
  readonly callerFault = true;
}

export class NotFoundError extends PsygraphError {
  readonly code = 'not_found';
  readonly callerFault = true;
}

/** A request that cannot be satisfied as stated (e.g. impossible sampling constraints). */
export class ConstraintError extends PsygraphError {
  readonly code = 'unsatisfiable';
  readonly callerFault = true;
}

/** The backing store cannot be reached or answered with an error. */
export class StoreUnavailableError extends PsygraphError {
  readonly code = 'store_unavailable';
  readonly callerFault = false;
}

/**
 * Data read back from a store (a data file, a Neo4j document) does not validate: the store's
 * content is damaged or was written by something else. Not the caller's fault (CLI exit 1,
 * HTTP 500 `store_data_invalid`); the message names the record.
 */
export class StoreDataError extends ProblemListError {
  readonly code = 'store_data_invalid';
  readonly callerFault = false;
}

/**
 * The store's location holds something psygraph must not touch: a database of another program, a
 * file that is not a database, or a schema newer than this version understands. Refused, never
 * overwritten; not the caller's fault (CLI exit 1, HTTP 503 `store_incompatible`). The message is
 * one line naming the path.
 */
export class StoreIncompatibleError extends PsygraphError {
  readonly code = 'store_incompatible';
  readonly callerFault = false;
}
