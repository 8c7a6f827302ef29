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
  parseJsonLine,
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
  const parsed = parseJsonLine(line, where, ScenarioSchema);
  return 'value' in parsed ? { scenario: parsed.value } : parsed;
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

/**
 * How export-prompts' output lines group: one line per scenario, or (roleplay) one per character,
 * each line carrying the scenario id and its payload, and `records` when a scenario has several.
 */
export function exportLineGroup(
  format: BatchFormat,
): (value: Record<string, unknown>) => { id: string; lines: number } {
  return (value) => {
    if (typeof value.id !== 'string' || !(PAYLOAD_KEY[format] in value))
      throw `not a ${format} export line (re-run with the format that wrote it, or another --out)`;
    return { id: value.id, lines: typeof value.records === 'number' ? value.records : 1 };
  };
}
