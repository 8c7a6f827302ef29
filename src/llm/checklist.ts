/**
 * Checklists from the graph. Scenario-level items (MPD, 2–6 per character) are compiled from the
 * scenario's edges, each recording the edge it tests, so that a failed item points at the relation
 * that did not show; pattern-level items (IPE) are the catalog's checklist for each pattern the
 * character carries. An LLM may reword the scenario items for the scene, never change what they test.
 */
import { z } from 'zod';
import { CAUSAL_TYPES, ProvenanceSchema, type Relation, type Scenario, isCausal } from '../model/index.js';
import { type PromptContext, type ResolvedScenario, fitsScope, resolveScenario } from '../prompt/index.js';
import type { CallResult, LlmClient, ReplyFormat } from './client.js';
import { provenanceOf } from './provenance.js';

export const CheckItemSchema = z.strictObject({
  id: z.string().min(1),
  level: z.enum(['scenario', 'pattern']),
  character: z.string().min(1),
  text: z.string().min(1),
  pattern: z.string().optional(),
  relation: z.string().optional(),
  relationType: z.enum(CAUSAL_TYPES).optional(),
});
export type CheckItem = z.infer<typeof CheckItemSchema>;

export const ChecklistRecordSchema = z.strictObject({
  id: z.string().min(1),
  items: z.array(CheckItemSchema),
  /** Only when an LLM refined the items; compiled checklists come from the graph alone. */
  provenance: ProvenanceSchema.optional(),
});
export type ChecklistRecord = z.infer<typeof ChecklistRecordSchema>;

export const MIN_SCENARIO_ITEMS = 2;
export const MAX_SCENARIO_ITEMS = 6;

/** Traits are adjectives ("talkative"), so an item speaks of that side of the character. */
const nameOf = (resolved: ResolvedScenario, id: string) => {
  const p = resolved.patterns.find((q) => q.id === id);
  return p ? (p.kind === 'trait' ? `${p.name} side` : p.name) : id;
};

function edgeItemText(resolved: ResolvedScenario, r: Relation, me: number): string {
  const source = nameOf(resolved, r.source);
  const target = nameOf(resolved, r.target);
  const carrier = (id: string) => resolved.carriers.get(id)?.[0];
  const other = (id: string) => {
    const i = carrier(id);
    return i === undefined ? 'another character' : resolved.cast[i]!.label;
  };
  const inner = carrier(r.source) === carrier(r.target);
  const mineIsSource = carrier(r.source) === me;
  // A between-people edge whose two ends this cast gives to one character: it works on the others.
  if (inner && !fitsScope(resolved, r))
    return `Their ${source} works on how the others around them show ${target} (${r.rationale})`;
  if (r.type === 'REINFORCES')
    return inner
      ? `Their ${target} grows stronger as their ${source} is engaged (${r.rationale})`
      : mineIsSource
        ? `Their ${source} draws out ${other(r.target)}'s ${target} (${r.rationale})`
        : `Their ${target} rises in response to ${other(r.source)}'s ${source} (${r.rationale})`;
  if (r.type === 'CONFLICTS')
    return inner
      ? `Shows inner tension between ${source} and ${target}: thought pulls one way, action or speech the other (${r.rationale})`
      : `Their ${mineIsSource ? source : target} clashes with ${other(mineIsSource ? r.target : r.source)}'s ${mineIsSource ? target : source} (${r.rationale})`;
  if (r.type === 'MODULATES')
    return `Their ${target} is ${r.effect === 'amplifies' ? 'amplified' : r.effect === 'suppresses' ? 'suppressed' : 'redirected'} by ${inner || !mineIsSource ? '' : `${other(r.target)}'s `}${source} when: ${r.condition}`;
  return r.rationale;
}

/** The scenario's checklist: 2–6 edge items per character (strongest edges first) plus pattern items. */
export function compileChecklist(scenario: Scenario, ctx: PromptContext): ChecklistRecord {
  const resolved = resolveScenario(scenario, ctx);
  const items: CheckItem[] = [];
  resolved.cast.forEach((member, index) => {
    const mine = new Set(member.patterns.map((p) => p.id));
    const edges = resolved.relations
      // A within-one-mind edge split across two characters has no scene-level behaviour to check.
      .filter((r) => isCausal(r.type) && (mine.has(r.source) || mine.has(r.target)))
      .filter(
        (r) =>
          fitsScope(resolved, r) ||
          resolved.carriers.get(r.source)?.[0] === resolved.carriers.get(r.target)?.[0],
      )
      .sort((a, b) => b.strength - a.strength || (a.id < b.id ? -1 : 1))
      .slice(0, MAX_SCENARIO_ITEMS);
    const scenarioItems: CheckItem[] = edges.map((r) => ({
      id: `mpd-${index}-${r.id}`,
      level: 'scenario',
      character: member.label,
      text: edgeItemText(resolved, r, index),
      relation: r.id,
      relationType: r.type as CheckItem['relationType'],
    }));
    // a character on fewer than two edges is tested on how their own patterns meet the situation
    for (const p of member.patterns) {
      if (scenarioItems.length >= MIN_SCENARIO_ITEMS) break;
      scenarioItems.push({
        id: `mpd-${index}-${p.id}`,
        level: 'scenario',
        character: member.label,
        text: `Shows ${p.name} under this situation (${resolved.situation.name}): ${p.manifestations[0] ?? p.definition}`,
        pattern: p.id,
      });
    }
    items.push(...scenarioItems);
    for (const p of member.patterns)
      for (const c of p.checklist)
        items.push({ id: c.id, level: 'pattern', character: member.label, text: c.question, pattern: p.id });
  });
  return { id: scenario.id, items };
}

/** HumanLLM's conversation_checklist: the scenario-level items as numbered strings per character. */
export function conversationChecklist(record: ChecklistRecord): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of record.items.filter((i) => i.level === 'scenario')) {
    const list = (out[item.character] ??= []);
    list.push(`${list.length + 1}. ${item.text}`);
  }
  return out;
}

const RefinedSchema = z.strictObject({
  items: z.array(z.strictObject({ id: z.string(), text: z.string().trim().min(1) })),
});

/** The LLM rewrites each scenario item as a behaviour observable in this scene; ids stay fixed. */
export async function refineChecklist(
  scenario: Scenario,
  record: ChecklistRecord,
  client: LlmClient,
): Promise<CallResult<ChecklistRecord>> {
  const targets = record.items.filter((i) => i.level === 'scenario');
  const ids = new Set(targets.map((i) => i.id));
  const format: ReplyFormat<z.infer<typeof RefinedSchema>> = {
    name: 'checklist_refinement',
    schema: RefinedSchema,
    check: (v) => {
      const got = new Set(v.items.map((i) => i.id));
      const missing = [...ids].filter((id) => !got.has(id));
      const extra = [...got].filter((id) => !ids.has(id));
      return [
        ...(missing.length ? [`items missing: ${missing.join(', ')}`] : []),
        ...(extra.length ? [`unknown item ids: ${extra.join(', ')}`] : []),
      ];
    },
  };
  const result = await client.call({
    messages: [
      {
        role: 'system',
        content:
          'You are a psychologist. Rewrite each checklist item as one concrete behaviour a reader could observe in this scene. Keep every id; do not add, drop or merge items, and do not name the psychological pattern.',
      },
      {
        role: 'user',
        content: `Scene: ${scenario.storyBackground ?? '(no scene yet)'}\n\nItems:\n${targets.map((i) => `- [${i.id}] ${i.character}: ${i.text}`).join('\n')}`,
      },
    ],
    format,
    maxTokens: 1500,
    label: `checklist ${scenario.id}`,
  });
  const text = new Map(result.value.items.map((i) => [i.id, i.text]));
  const items = record.items.map((i) => ({ ...i, text: text.get(i.id) ?? i.text }));
  return { ...result, value: { id: record.id, items, provenance: provenanceOf([result], result.model) } };
}
