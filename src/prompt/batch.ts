/**
 * Batch export, the pure half: the JSON lines written for one scenario, and the plan for resuming
 * an output file a crash left behind (which scenarios are complete, where the file must be cut).
 * The CLI does the streaming and the file work.
 */
import {
  InvalidInputError,
  type InputProblem,
  type Scenario,
  ScenarioSchema,
  zodProblems,
} from '../model/index.js';
import { type PromptContext, resolveScenario } from './context.js';
import type { PromptFormat, PromptItem } from './formats.js';

export const BATCH_FORMATS = ['markdown', 'openai', 'sharegpt'] as const satisfies readonly PromptFormat[];
export type BatchFormat = (typeof BATCH_FORMATS)[number];

const PAYLOAD_KEY: Record<BatchFormat, string> = {
  markdown: 'prompt',
  openai: 'messages',
  sharegpt: 'conversations',
};

/**
 * One line per item: `{id, prompt|messages, receipt}`; ShareGPT lines also carry the character
 * and how many records the scenario has, so that a resume can tell a complete scenario from one
 * cut off between its records.
 */
export function batchLines(items: readonly PromptItem[], format: BatchFormat): string[] {
  return items.map((item) =>
    JSON.stringify({
      id: item.id,
      ...(format === 'sharegpt' ? { character: item.character, records: items.length } : {}),
      ...item.payload,
      receipt: item.receipt,
    }),
  );
}

/** One line of a scenario JSON-lines file, validated; problems name the file, line and field. */
export function parseScenarioLine(
  line: string,
  where: string,
): { scenario: Scenario } | { problems: InputProblem[] } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return {
      problems: [{ file: where, path: '(line)', message: `invalid JSON: ${(err as Error).message}` }],
    };
  }
  const parsed = ScenarioSchema.safeParse(value);
  return parsed.success ? { scenario: parsed.data } : { problems: zodProblems(parsed.error, where) };
}

/**
 * A line checked for everything that would stop its export halfway: the schema, ids the graph
 * does not have, and (for ShareGPT) a missing conversation.
 */
export function checkBatchLine(
  line: string,
  where: string,
  ctx: PromptContext,
  format: BatchFormat,
): { scenario: Scenario } | { problems: InputProblem[] } {
  const parsed = parseScenarioLine(line, where);
  if ('problems' in parsed) return parsed;
  const { scenario } = parsed;
  try {
    resolveScenario(scenario, ctx);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    return { problems: err.problems.map((p) => ({ ...p, file: where })) };
  }
  if (format === 'sharegpt' && !scenario.conversation?.length) {
    const message = `scenario ${scenario.id} has no conversation: ShareGPT records are made from a written scene`;
    return { problems: [{ file: where, path: 'conversation', message }] };
  }
  return parsed;
}

export interface ResumePlan {
  /** Scenario ids whose lines are all in the file. */
  done: Set<string>;
  /** Bytes to keep: everything after belongs to a torn line or an incomplete scenario. */
  keepBytes: number;
  /** Lines that will be cut (a torn last line, or the records of a scenario cut off mid-way). */
  dropped: number;
  torn: boolean;
}

interface Group {
  id: string;
  expected: number;
  seen: number;
}

/**
 * Reads an existing output line by line (without their newlines) and plans the resume. Only the
 * end of the file can be damaged by a crash, since lines are appended in order; damage anywhere
 * else, or lines of another format, is the caller's mistake and throws.
 */
export function createResumeScanner(file: string, format: BatchFormat) {
  const done = new Set<string>();
  let offset = 0;
  let committed = 0;
  let lines = 0;
  let committedLines = 0;
  let group: Group | undefined;
  let pending: string | undefined;

  const fail = (line: number, message: string) =>
    new InvalidInputError(`--out: ${file}:${line}: ${message}`, [{ file, path: `line ${line}`, message }]);

  function take(text: string): void {
    lines++;
    let value: { id?: unknown; records?: unknown } & Record<string, unknown>;
    try {
      value = JSON.parse(text) as typeof value;
    } catch {
      throw fail(lines, 'not a JSON line, and not at the end of the file: the output is damaged');
    }
    if (typeof value.id !== 'string' || !(PAYLOAD_KEY[format] in value))
      throw fail(
        lines,
        `not a ${format} export line (re-run with the format that wrote it, or another --out)`,
      );
    const expected = typeof value.records === 'number' ? value.records : 1;
    if (group && group.id !== value.id)
      throw fail(lines, `scenario ${group.id} stops after ${group.seen} of ${group.expected} records`);
    group ??= { id: value.id, expected, seen: 0 };
    group.seen++;
    offset += Buffer.byteLength(text, 'utf8') + 1;
    if (group.seen >= group.expected) {
      done.add(group.id);
      committed = offset;
      committedLines = lines;
      group = undefined;
    }
  }

  return {
    add(line: string): void {
      if (pending !== undefined) take(pending);
      pending = line;
    },
    /** `endsWithNewline`: whether the file's last byte is a newline (else its last line is torn). */
    finish(endsWithNewline: boolean): ResumePlan {
      let torn = false;
      if (pending !== undefined) {
        let whole = endsWithNewline;
        if (whole) {
          try {
            JSON.parse(pending);
          } catch {
            whole = false;
          }
        }
        if (whole) take(pending);
        else {
          torn = true;
          lines++;
        }
      }
      return { done, keepBytes: committed, dropped: lines - committedLines, torn };
    },
  };
}
