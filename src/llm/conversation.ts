/**
 * Conversation synthesis: 12–20 turns written as `Name: [thought] (action) speech`, parsed into
 * HumanLLM's {char, content} and checked (cast-only speakers, speech in every turn, no pattern
 * named outright: show, don't tell). A failed check is quoted back and the turns written again,
 * within the client's repair bound.
 */
import { z } from 'zod';
import { type Scenario, TurnSchema } from '../model/index.js';
import { type PromptContext, resolveScenario } from '../prompt/index.js';
import type { CallResult, ChatMessage, LlmClient, Parsed, ReplyFormat } from './client.js';

export type Turn = z.infer<typeof TurnSchema>;
export const MIN_TURNS = 12;
export const MAX_TURNS = 20;
export const CONVERSATION_MAX_TOKENS = 3000;

export const CONVERSATION_SYSTEM = [
  'You are a screenwriter and psychologist. Write the conversation of the scene below.',
  `Write ${MIN_TURNS}–${MAX_TURNS} turns, one per line, each as: Name: [inner thought] (action or expression) speech`,
  '[...] is the inner thought (invisible to the others), (...) is visible action, the rest is speech;',
  'every turn has speech. A supporting character opens and the protagonist closes; one speaker at a',
  'time, no new characters, no narration lines.',
  'Show, do not tell: never name a psychological pattern in speech or action. Let the patterns show',
  'at turning points, with breathing room between; at key moments the thought drives the action.',
].join('\n');

const SPEAKER = /^\s*(?:\*\*)?([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2})(?:\*\*)?\s*:\s*(.*)$/;

/** The spoken part of a turn: thoughts and actions removed. */
export function speechOf(content: string): string {
  return content
    .replace(/\[[^\]]*\]?/g, ' ')
    .replace(/\([^)]*\)?/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What the others see and hear: everything but the [inner thought]. */
const visibleOf = (content: string) => content.replace(/\[[^\]]*\]?/g, ' ');

/**
 * Lines starting with a capitalised name and a colon begin a turn; other lines continue the
 * previous turn. Speakers outside the cast are kept, so that the check can name them.
 */
export function parseConversation(text: string): Turn[] {
  const turns: Turn[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = SPEAKER.exec(line);
    if (m) turns.push({ char: m[1]!.trim(), content: m[2]!.trim() });
    else if (turns.length) turns.at(-1)!.content += ` ${line.trim()}`;
  }
  return turns;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function conversationProblems(
  turns: readonly Turn[],
  cast: readonly string[],
  banned: readonly string[],
): string[] {
  const errors: string[] = [];
  if (turns.length < MIN_TURNS || turns.length > MAX_TURNS)
    errors.push(`write ${MIN_TURNS}–${MAX_TURNS} turns (got ${turns.length})`);
  const bannedRes = banned.map((name) => ({ name, re: new RegExp(`\\b${escape(name)}\\b`, 'i') }));
  turns.forEach((turn, i) => {
    const where = `turn ${i + 1} (${turn.char})`;
    if (!cast.includes(turn.char))
      errors.push(`${where}: "${turn.char}" is not in the cast (${cast.join(', ')})`);
    if (!speechOf(turn.content)) errors.push(`${where}: has no speech`);
    const visible = visibleOf(turn.content);
    for (const { name, re } of bannedRes)
      if (re.test(visible)) errors.push(`${where}: names the pattern "${name}" outright; show it instead`);
  });
  return errors;
}

export function conversationMessages(scenario: Scenario, ctx: PromptContext): ChatMessage[] {
  const resolved = resolveScenario(scenario, ctx);
  const cast = resolved.cast
    .map(
      (c) => `- ${c.label} (${c.role}): ${c.patterns.map((p) => `${p.name} — ${p.definition}`).join('; ')}`,
    )
    .join('\n');
  const user = [
    `## Situation\n${resolved.situation.name}: ${resolved.situation.definition}`,
    `## Story background\n${scenario.storyBackground ?? ''}`,
    `## Characters\n${cast}`,
    `## Profiles\n${JSON.stringify(scenario.charactersProfiles ?? {}, null, 1)}`,
    `## Analysis\n${scenario.analysis ?? ''}`,
    `## Relations to show\n${resolved.relations.map((r) => `- ${r.source} ${r.type} ${r.target}: ${r.rationale}`).join('\n')}`,
    `Cast names: ${resolved.cast.map((c) => c.label).join(', ')}`,
  ].join('\n\n');
  return [
    { role: 'system', content: CONVERSATION_SYSTEM },
    { role: 'user', content: user },
  ];
}

export function conversationFormat(scenario: Scenario, ctx: PromptContext): ReplyFormat<Turn[]> {
  const resolved = resolveScenario(scenario, ctx);
  const cast = resolved.cast.map((c) => c.label);
  const banned = [...new Set(resolved.patterns.flatMap((p) => [p.name, ...(p.aliases ?? [])]))];
  return {
    name: 'conversation',
    schema: z.array(TurnSchema),
    fromText: (text): Parsed<unknown> => ({ ok: true, value: parseConversation(text) }),
    check: (turns) => conversationProblems(turns, cast, banned),
  };
}

export async function synthesizeConversation(
  scenario: Scenario,
  ctx: PromptContext,
  client: LlmClient,
  regenerations = 2,
): Promise<CallResult<Turn[]>> {
  return client.call({
    messages: conversationMessages(scenario, ctx),
    format: conversationFormat(scenario, ctx),
    maxTokens: CONVERSATION_MAX_TOKENS,
    maxRepairs: regenerations,
    label: `conversation ${scenario.id}`,
  });
}
