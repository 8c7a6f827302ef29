/**
 * How compiled prompts are shown: the text a person reads, `--json` (each item with its receipt)
 * and `--jsonl` (one bare record per line: `{"messages": […]}` for OpenAI fine-tuning files,
 * `{system, conversations}` for ShareGPT). Pure: the CLI prints what these return.
 */
import type { PromptFormat, PromptItem } from './formats.js';

export type OutputMode = 'text' | 'json' | 'jsonl';

const withReceipt = (i: PromptItem) => ({
  id: i.id,
  ...(i.character ? { character: i.character } : {}),
  ...i.payload,
  receipt: i.receipt,
});

const one = <T>(list: T[]): T | T[] => (list.length === 1 ? list[0]! : list);

export function formatItems(items: readonly PromptItem[], format: PromptFormat, mode: OutputMode): string {
  if (mode === 'json') return JSON.stringify(one(items.map(withReceipt)), null, 2);
  if (mode === 'jsonl') {
    const bare = (i: PromptItem) =>
      format === 'openai' || format === 'sharegpt' ? i.payload : withReceipt(i);
    return items.map((i) => JSON.stringify(bare(i))).join('\n');
  }
  // a ShareGPT file is a JSON array of records, as in the HumanLLM release
  if (format === 'sharegpt')
    return JSON.stringify(
      items.map((i) => i.payload),
      null,
      2,
    );
  if (format === 'openai')
    return JSON.stringify(
      one(items.map((i) => ('messages' in i.payload ? i.payload.messages : []))),
      null,
      2,
    );
  return items.map((i) => ('prompt' in i.payload ? i.payload.prompt : '')).join('\n---\n\n');
}

export function receiptsText(items: readonly PromptItem[]): string {
  return JSON.stringify(one(items.map((i) => i.receipt)), null, 2);
}

export function overBudgetWarnings(items: readonly PromptItem[]): string[] {
  return items
    .filter((i) => i.receipt.overBudget)
    .map(
      (i) =>
        `psygraph: warning: scenario ${i.id}${i.character ? ` (${i.character})` : ''} needs ${i.receipt.total} tokens, over the budget of ${i.receipt.budget} even with every pattern text shortened`,
    );
}
