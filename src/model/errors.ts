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
  /** The message as text and field references; `message` names the fields by their input paths. */
  readonly text: Text;

  constructor(message: Message, details?: unknown) {
    const text = typeof message === 'string' ? [message] : message;
    super(renderText(text));
    this.name = new.target.name;
    this.details = details;
    this.text = text;
  }

  /** The message with each field named by `name` (a CLI flag, say). */
  render(name: FieldNamer): string {
    return renderText(this.text, name);
  }
}

/**
 * A field of a use case's input, by its path in the contract (`include`, `size`, `minTraits`).
 * The core names fields this way; each surface names them in its own terms when it shows the
 * message — the API by the path itself, the CLI by the flag that sets the field.
 */
export interface FieldRef {
  readonly field: string;
}
export type Text = readonly (string | FieldRef)[];
export type Message = string | Text;
export type FieldNamer = (path: string) => string;

export const field = (path: string): FieldRef => ({ field: path });

/** Text with field references: fieldText`${field('size')} must be at most ${8}`. */
export function fieldText(strings: TemplateStringsArray, ...values: unknown[]): Text {
  const out: (string | FieldRef)[] = [];
  strings.forEach((s, i) => {
    if (s) out.push(s);
    if (i >= values.length) return;
    const v = values[i];
    out.push(typeof v === 'object' && v !== null && 'field' in v ? (v as FieldRef) : String(v));
  });
  return out;
}

export function renderText(text: Text, name: FieldNamer = (p) => p): string {
  return text.map((part) => (typeof part === 'string' ? part : name(part.field))).join('');
}

/**
 * One problem found while validating input, located by file (or source: `body`, `query`, `path`,
 * or `flags` for a command line) and JSON path.
 */
export interface InputProblem {
  file?: string;
  path: string;
  message: string;
}

/** A command line's problems are named by flag (`--size: …`), others by file and JSON path. */
export function formatProblem(p: InputProblem, name: FieldNamer = (x) => x): string {
  if (p.file === 'flags') return `${name(p.path)}: ${p.message}`;
  const where = [p.file, p.path].filter(Boolean).join(': ');
  return where ? `${where}: ${p.message}` : p.message;
}

/** A failure that lists its problems, each located by file (or source) and JSON path. */
abstract class ProblemListError extends PsygraphError {
  readonly problems: InputProblem[];

  constructor(message: Message, problems: InputProblem[] = []) {
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

/**
 * The request is valid but conflicts with the state of what it names (HTTP 409), e.g. asking for
 * the judge's scores of an annotation set before the annotator has scored every item.
 */
export class ConflictError extends PsygraphError {
  readonly code = 'conflict';
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
