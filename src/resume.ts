/**
 * Resuming an output file that a run appends to, one JSON line at a time (export-prompts, and the
 * LLM steps). A crash can only damage the end of such a file: its last line torn, or the last
 * scenario's records cut off part-way. Resuming keeps every complete group of lines, cuts the
 * rest off the file, and returns the ids already done, so a re-run does only what is left. Damage
 * anywhere else, or lines another command wrote, is the caller's mistake and stops the run.
 */
import { createReadStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InvalidInputError } from './model/index.js';

/**
 * What one output line belongs to: the id it was written for, and how many lines that id has in
 * all. Throws a message (a string) when the line is not one this output can hold.
 */
export type LineGroup = (value: Record<string, unknown>) => { id: string; lines: number };

export interface ResumePlan {
  /** Ids whose lines are all in the file. */
  done: Set<string>;
  /** Bytes to keep: everything after belongs to a torn line or an incomplete group. */
  keepBytes: number;
  /** Lines that will be cut. */
  dropped: number;
  /** Whether the last line was torn (written part-way). */
  torn: boolean;
}

/** Plans the resume from the file's lines (without their newlines): pure, no I/O. */
export function createResumeScanner(file: string, flag: string, groupOf: LineGroup) {
  const done = new Set<string>();
  let offset = 0;
  let committed = 0;
  let lines = 0;
  let committedLines = 0;
  let group: { id: string; expected: number; seen: number } | undefined;
  let pending: string | undefined;

  const fail = (line: number, message: string) =>
    new InvalidInputError(`${flag}: ${file}:${line}: ${message}`, [{ file, path: `line ${line}`, message }]);

  function take(text: string): void {
    lines++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw fail(lines, 'not a JSON line, and not at the end of the file: the output is damaged');
    }
    let line: { id: string; lines: number };
    try {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw 'not a JSON object';
      line = groupOf(value as Record<string, unknown>);
    } catch (message) {
      throw fail(lines, String(message));
    }
    if (group && group.id !== line.id)
      throw fail(lines, `${group.id} stops after ${group.seen} of ${group.expected} lines`);
    group ??= { id: line.id, expected: line.lines, seen: 0 };
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

/** Reads `file` (absent: nothing done yet), cuts a damaged end off it, and returns the plan. */
export async function resumeOutput(file: string, flag: string, groupOf: LineGroup): Promise<ResumePlan> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { done: new Set(), keepBytes: 0, dropped: 0, torn: false };
    throw new InvalidInputError(
      `${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  const scanner = createResumeScanner(file, flag, groupOf);
  try {
    for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity }))
      scanner.add(line);
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    throw new InvalidInputError(
      `${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    );
  }
  let lastByte = '\n';
  if (size) {
    const handle = await open(file, 'r');
    const buffer = Buffer.alloc(1);
    await handle.read(buffer, 0, 1, size - 1);
    await handle.close();
    lastByte = buffer.toString();
  }
  const plan = scanner.finish(lastByte === '\n');
  if (plan.keepBytes < size) await truncate(file, plan.keepBytes);
  return plan;
}
