/**
 * The output formats: Markdown (for reading), OpenAI chat messages (the same text split into a
 * system and a user message), ShareGPT (one SFT record per character) and the role-play system
 * prompt. One call turns a scenario into the items of a format, each with its receipt.
 */
import type { Scenario } from '../model/index.js';
import { type CompileOptions, type CompiledPrompt, compilePrompt } from './compile.js';
import type { PromptContext } from './context.js';
import type { Receipt } from './document.js';
import { compileRoleplayPrompt } from './roleplay.js';
import { type ShareGptTurn, sharegptRecords } from './sharegpt.js';

export { PROMPT_FORMATS } from '../model/vocabulary.js';
import type { PROMPT_FORMATS } from '../model/vocabulary.js';
export type PromptFormat = (typeof PROMPT_FORMATS)[number];

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export type PromptPayload =
  { prompt: string } | { messages: ChatMessage[] } | { system: string; conversations: ShareGptTurn[] };

export interface PromptItem {
  id: string;
  /** The target character (role-play and ShareGPT). */
  character?: string;
  payload: PromptPayload;
  receipt: Receipt;
}

/**
 * The task section as the system message, everything after it as the user message: their
 * concatenation is the Markdown prompt, so the receipt and promptHash hold for both.
 */
export function toChatMessages(compiled: CompiledPrompt): ChatMessage[] {
  const [system, ...rest] = compiled.sections;
  return [
    { role: 'system', content: system?.text ?? '' },
    { role: 'user', content: rest.map((s) => s.text).join('') },
  ];
}

export interface RenderOptions extends CompileOptions {
  /** Role-play only: the character's name or index (default the protagonist). */
  character?: string | number;
}

export function renderPrompt(
  scenario: Scenario,
  ctx: PromptContext,
  format: PromptFormat,
  options: RenderOptions = {},
): PromptItem[] {
  const compile = { ...(options.budget === undefined ? {} : { budget: options.budget }) };
  switch (format) {
    case 'markdown': {
      const c = compilePrompt(scenario, ctx, compile);
      return [{ id: scenario.id, payload: { prompt: c.text }, receipt: c.receipt }];
    }
    case 'openai': {
      const c = compilePrompt(scenario, ctx, compile);
      return [{ id: scenario.id, payload: { messages: toChatMessages(c) }, receipt: c.receipt }];
    }
    case 'roleplay': {
      const r = compileRoleplayPrompt(scenario, ctx, options.character ?? 0, compile);
      return [{ id: scenario.id, character: r.character, payload: { prompt: r.text }, receipt: r.receipt }];
    }
    case 'sharegpt':
      return sharegptRecords(scenario, ctx, compile).map((item) => ({
        id: scenario.id,
        character: item.character,
        payload: item.record,
        receipt: item.receipt,
      }));
  }
}
