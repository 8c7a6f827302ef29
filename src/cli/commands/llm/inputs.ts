/** What the LLM commands read: the scenarios and prompt context (inputs), checklists, conversations. */
import { readJsonLines } from '../../../read-input.js';
import type { Command } from 'commander';
import {
  type ChecklistRecord,
  ChecklistRecordSchema,
  type JudgeTarget,
  compileChecklist,
} from '../../../llm/index.js';
import { InvalidInputError, type Scenario } from '../../../model/index.js';
import { type PromptContext, createPromptContext, resolveScenario } from '../../../prompt/index.js';
import { type CliContext, withStore } from '../../context.js';
import { readScenarioFile } from '../../scenario-io.js';
import type { LlmFlags } from './options.js';

export async function inputs(
  flags: LlmFlags,
  cmd: Command,
  ctx: CliContext,
): Promise<{ scenarios: Scenario[]; pctx: PromptContext }> {
  return withStore(cmd, ctx, async (store) => {
    const scenarios = flags.scenarios ? await readScenarioFile(flags.scenarios) : await store.listScenarios();
    const pctx = createPromptContext(await store.snapshot());
    for (const s of scenarios) {
      try {
        resolveScenario(s, pctx);
      } catch (err) {
        if (err instanceof InvalidInputError)
          throw new InvalidInputError(['--scenarios: ', ...err.text], err.problems);
        throw err;
      }
    }
    return { scenarios, pctx };
  });
}

export async function checklistsFor(flags: LlmFlags, scenarios: readonly Scenario[], pctx: PromptContext) {
  const given = flags.checklists
    ? await readJsonLines<ChecklistRecord>(flags.checklists, '--checklists', ChecklistRecordSchema)
    : [];
  const byId = new Map(given.map((c) => [c.id, c]));
  return (s: Scenario) => byId.get(s.id) ?? compileChecklist(s, pctx);
}

export const withConversation = (scenarios: readonly Scenario[], command: string) => {
  const missing = scenarios.filter((s) => !s.conversation?.length);
  if (missing.length)
    throw new InvalidInputError(
      `--scenarios: ${missing.length} scenario(s) have no conversation (first: ${missing[0]!.id}); ${command} needs the output of psygraph synth`,
    );
  return scenarios;
};

/**
 * What judge, judges and probe-judge score for one character of one conversation: its turns, its
 * checklist, whose turns they are, and the --runs and --temperature flags.
 */
export function judgeTargetOf(
  flags: LlmFlags,
  scenario: Scenario,
  character: string,
  checklist: (s: Scenario) => ChecklistRecord,
): Omit<JudgeTarget, 'judgeModel' | 'id'> {
  return {
    scenario,
    turns: scenario.conversation!,
    character,
    checklist: checklist(scenario),
    model: scenario.provenance?.model ?? 'conversation',
    runs: flags.runs,
    ...(flags.temperature !== undefined ? { temperature: flags.temperature } : {}),
  };
}
