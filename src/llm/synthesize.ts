/**
 * The synthesis step for one scenario: scene, then conversation, then its scenario-level
 * checklist in HumanLLM's conversation_checklist shape, with provenance over both calls.
 */
import type { Scenario } from '../model/index.js';
import type { PromptContext } from '../prompt/index.js';
import { compileChecklist, conversationChecklist } from './checklist.js';
import type { LlmClient } from './client.js';
import { synthesizeConversation } from './conversation.js';
import { provenanceOf } from './provenance.js';
import { applyScene, synthesizeScene } from './scene.js';

export async function synthesizeScenario(
  scenario: Scenario,
  ctx: PromptContext,
  client: LlmClient,
  regenerations = 2,
): Promise<Scenario> {
  const scene = await synthesizeScene(scenario, ctx, client);
  const staged = applyScene(scenario, scene.value);
  const conversation = await synthesizeConversation(staged, ctx, client, regenerations);
  const withTurns: Scenario = { ...staged, conversation: conversation.value };
  return {
    ...withTurns,
    conversation_checklist: conversationChecklist(compileChecklist(withTurns, ctx)),
    provenance: provenanceOf([scene, conversation], client.model),
  };
}
