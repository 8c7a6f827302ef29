/**
 * Role-play evaluation: a target model plays one character through a saved conversation. The
 * other characters' turns are replayed as written, with their [inner thoughts] removed (a real
 * partner never hears them); the target's turns are generated, one reply per turn, with src/prompt's
 * role-play system prompt. The resulting conversation is then judged for that character only.
 */
import { z } from 'zod';
import { InvalidInputError, type Scenario } from '../model/index.js';
import { type PromptContext, compileRoleplayPrompt, stripThoughts } from '../prompt/index.js';
import type { ChecklistRecord } from './checklist.js';
import type { CallResult, ChatMessage, LlmClient, Parsed, ReplyFormat } from './client.js';
import { type Turn, speechOf } from './conversation.js';
import { type Judgement, costOfCalls, judgeCharacter } from './judge.js';
import { provenanceOf } from './provenance.js';

/** A reply as one turn's content: the "Name:" prefix dropped, speech required. */
export function turnFormat(name: string): ReplyFormat<string> {
  const prefix = new RegExp(
    `^\\s*(?:\\*\\*)?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\*\\*)?\\s*:\\s*`,
    'i',
  );
  return {
    name: 'roleplay_turn',
    schema: z.string().min(1),
    fromText: (text): Parsed<unknown> => ({
      ok: true,
      value: text.trim().replace(prefix, '').replace(/\n+/g, ' ').trim(),
    }),
    check: (content) => (speechOf(content) ? [] : ['the reply has no speech: add what the character says']),
  };
}

export interface EvaluateOptions {
  character: string | number;
  runs: number;
  judge: LlmClient;
  checklist: ChecklistRecord;
}

export async function playCharacter(
  scenario: Scenario,
  ctx: PromptContext,
  target: LlmClient,
  character: string | number,
): Promise<{ name: string; turns: Turn[]; calls: CallResult<string>[] }> {
  if (!scenario.conversation?.length)
    throw new InvalidInputError(
      `scenario ${scenario.id} has no conversation to replay (run psygraph synth first)`,
    );
  const prompt = compileRoleplayPrompt(scenario, ctx, character);
  const name = prompt.character;
  const history: ChatMessage[] = [{ role: 'system', content: prompt.text }];
  const turns: Turn[] = [];
  const calls: CallResult<string>[] = [];
  let heard: string[] = [];
  for (const turn of scenario.conversation) {
    if (turn.char !== name) {
      const visible = stripThoughts(turn.content);
      if (visible) heard.push(`${turn.char}: ${visible}`);
      turns.push(turn);
      continue;
    }
    history.push({
      role: 'user',
      content: heard.length ? heard.join('\n') : '(The scene begins. You speak first.)',
    });
    heard = [];
    const reply = await target.call({
      messages: history.map((m) => ({ ...m })),
      format: turnFormat(name),
      maxTokens: target.options.maxTokens ?? 400,
      label: `evaluate ${scenario.id} ${name} turn ${turns.length + 1}`,
    });
    calls.push(reply);
    history.push({ role: 'assistant', content: `${name}: ${reply.value}` });
    turns.push({ char: name, content: reply.value });
  }
  return { name, turns, calls };
}

export async function evaluateScenario(
  scenario: Scenario,
  ctx: PromptContext,
  target: LlmClient,
  options: EvaluateOptions,
): Promise<{ judgement: Judgement; turns: Turn[] }> {
  const played = await playCharacter(scenario, ctx, target, options.character);
  const { judgement, calls } = await judgeCharacter(
    {
      scenario,
      turns: played.turns,
      character: played.name,
      checklist: options.checklist,
      model: target.model,
      runs: options.runs,
      id: `${scenario.id}:${played.name}:${target.model}`,
    },
    options.judge,
  );
  // provenance names the evaluated model; its hash and usage cover the role-play and judge calls
  const provenance = provenanceOf([...played.calls, ...calls], target.model);
  return {
    judgement: {
      ...judgement,
      turns: played.turns,
      provenance,
      cost: costOfCalls([...played.calls, ...calls]),
    },
    turns: played.turns,
  };
}
