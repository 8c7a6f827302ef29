/**
 * ShareGPT records in the HumanLLM SFT shape: one record per
 * character per scenario. The target's turns are `gpt`, with their own [inner thoughts]; the
 * other characters' turns are merged into `human` with their [inner thoughts] stripped, because a
 * real conversation partner never hears them. A record starts with `human` (empty if the target
 * speaks first) and ends with `gpt`.
 */
import { InvalidInputError, type Scenario } from '../model/index.js';
import type { CompileOptions } from './compile.js';
import { type PromptContext, resolveScenario } from './context.js';
import type { Receipt } from './document.js';
import { roleplayFor } from './roleplay.js';

export interface ShareGptTurn {
  from: 'human' | 'gpt';
  value: string;
}

export interface ShareGptRecord {
  system: string;
  conversations: ShareGptTurn[];
}

export interface ShareGptItem {
  scenarioId: string;
  character: string;
  record: ShareGptRecord;
  receipt: Receipt;
}

/** A turn as the others perceive it: the [inner thought] channel removed. */
export function stripThoughts(content: string): string {
  return content
    .replace(/\[[^\]]*(?:\]|$)/g, ' ')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

export function conversationFor(
  turns: readonly { char: string; content: string }[],
  target: string,
): ShareGptTurn[] | undefined {
  const out: ShareGptTurn[] = [];
  let heard: string[] = [];
  for (const turn of turns) {
    if (turn.char === target) {
      out.push({ from: 'human', value: heard.join('\n') });
      out.push({ from: 'gpt', value: `${turn.char}: ${turn.content.trim()}` });
      heard = [];
    } else {
      const visible = stripThoughts(turn.content);
      if (visible) heard.push(`${turn.char}: ${visible}`);
    }
  }
  if (!out.length) return undefined;
  // consecutive target turns would leave empty human turns between them: merge those into one gpt turn
  const merged: ShareGptTurn[] = [];
  for (const turn of out) {
    const last = merged.at(-1);
    const prev = merged.at(-2);
    if (turn.from === 'gpt' && last?.from === 'human' && last.value === '' && prev?.from === 'gpt') {
      merged.pop();
      prev.value += `\n${turn.value}`;
    } else merged.push({ ...turn });
  }
  return merged;
}

/** One record per character who speaks; throws if the scenario has no conversation yet. */
export function sharegptRecords(
  scenario: Scenario,
  ctx: PromptContext,
  options: CompileOptions = {},
): ShareGptItem[] {
  if (!scenario.conversation?.length) {
    throw new InvalidInputError(
      `scenario ${scenario.id} has no conversation: ShareGPT records are made from a written scene (use --format markdown, openai or roleplay for a draft)`,
    );
  }
  const resolved = resolveScenario(scenario, ctx);
  const items: ShareGptItem[] = [];
  resolved.cast.forEach((member, index) => {
    const conversations = conversationFor(scenario.conversation!, member.label);
    if (!conversations) return;
    const prompt = roleplayFor(resolved, index, ctx, options);
    items.push({
      scenarioId: scenario.id,
      character: member.label,
      record: { system: prompt.text, conversations },
      receipt: prompt.receipt,
    });
  });
  return items;
}
