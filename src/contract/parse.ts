/**
 * Parsing a use case's input against its contract schema. Every problem is located by the field's
 * JSON path; the error's text refers to the field, so that the API names it by that path and the
 * CLI by the flag that sets it (see PsygraphError.render).
 */
import type { z } from 'zod';
import {
  type InputProblem,
  InvalidInputError,
  type Text,
  field,
  fieldText,
  jsonPath,
  renderText,
} from '../model/index.js';

/** Where an input came from: an HTTP request part, or a command line (`flags`). */
export type InputSource = 'query' | 'path' | 'body' | 'flags';

/** A cross-field rule's complaint, with its text kept so each surface can name the fields. */
export function complain(ctx: z.RefinementCtx, path: PropertyKey[], text: Text): void {
  ctx.addIssue({ code: 'custom', path, message: renderText(text), params: { text } });
}

function problemsOf(error: z.ZodError, source: InputSource): { problem: InputProblem; text: Text }[] {
  return error.issues.flatMap((issue) => {
    const path = jsonPath(issue.path);
    // zod reports unknown keys on the parent object; name each key as the field at fault
    if (issue.code === 'unrecognized_keys') {
      const parent = path ? `${path}.` : '';
      return issue.keys.map((key) => ({
        problem: { file: source, path: `${parent}${key}`, message: 'unknown field' },
        text: fieldText`${field(`${parent}${key}`)}: unknown field`,
      }));
    }
    const own = (issue as { params?: { text?: Text } }).params?.text;
    const where = path || '(root)';
    const text = own ?? (path ? fieldText`${field(path)}: ${issue.message}` : [`(root): ${issue.message}`]);
    return [{ problem: { file: source, path: where, message: issue.message }, text }];
  });
}

/** The parsed input, or an InvalidInputError listing every problem by field path. */
export function parseContract<S extends z.ZodType>(
  schema: S,
  value: unknown,
  source: InputSource,
): z.output<S> {
  if (source === 'body' && value === undefined)
    throw new InvalidInputError(
      'request body is missing: send a JSON object (content-type: application/json)',
      [{ file: 'body', path: '(root)', message: 'missing' }],
    );
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const found = problemsOf(parsed.error, source);
  const more = found.length > 1 ? ` (and ${found.length - 1} more problem(s))` : '';
  const lead: Text = source === 'flags' ? [] : [`invalid ${source}: `];
  throw new InvalidInputError(
    [...lead, ...found[0]!.text, more],
    found.map((f) => f.problem),
  );
}
