/**
 * Our scenarios in the HumanLLM sample shape, plus the fields
 * psygraph adds (relations, motif, graphHash, seed, provenance), which their tools ignore and our
 * importer recomputes from the graph.
 */
import {
  type Catalog,
  InvalidInputError,
  type InputProblem,
  type Scenario,
  scopeOf,
} from '../model/index.js';
import { DEFAULT_TEMPLATES, fill } from './templates.js';

export interface HumanllmExportSample {
  pattern: string[];
  situation: string;
  analysis?: string;
  scenario?: { storyBackground?: string; charactersProfiles?: unknown };
  protagonist: string;
  supporting_characters: string[];
  char2pattern: Record<string, string[]>;
  conversation?: { char: string; content: string }[];
  conversation_checklist?: Record<string, string[]>;
  id: string;
  relations: string[];
  /** Who each causal edge acts within (`within`, `between`, `either`), keyed by relation id. */
  relationScopes: Record<string, string>;
  motif: Scenario['motif'];
  strategy: Scenario['strategy'];
  seed: number;
  graphHash: string;
  promptHash?: string;
  model?: string;
  usage?: { promptTokens: number; completionTokens: number };
}

/** Checklist items numbered as in the release: "1. …". */
const numbered = (items: readonly string[]) => items.map((item, i) => `${i + 1}. ${item}`);

export function exportHumanllm(scenarios: readonly Scenario[], catalog: Catalog): HumanllmExportSample[] {
  const names = new Map(catalog.patterns.map((p) => [p.id, p.name]));
  const situations = new Map(catalog.situations.map((s) => [s.id, s]));
  const scopes = new Map(catalog.relations.map((r) => [r.id, scopeOf(r)]));
  const problems: InputProblem[] = [];
  const samples = scenarios.map((s) => {
    const where = `scenario ${s.id}`;
    const name = (id: string, path: string) => {
      const n = names.get(id);
      if (!n) problems.push({ file: where, path, message: `unknown pattern "${id}"` });
      return n ?? id;
    };
    const situation = situations.get(s.situation);
    if (!situation)
      problems.push({ file: where, path: 'situation', message: `unknown situation "${s.situation}"` });
    let supporting = 0;
    const labels = s.characters.map(
      (c) =>
        c.name ??
        (c.role === 'protagonist'
          ? DEFAULT_TEMPLATES.labels.protagonist
          : fill(DEFAULT_TEMPLATES.labels.supporting, { n: ++supporting })),
    );
    const protagonist = Math.max(
      0,
      s.characters.findIndex((c) => c.role === 'protagonist'),
    );
    const sample: HumanllmExportSample = {
      pattern: s.patterns.map((id, i) => name(id, `patterns[${i}]`)),
      situation: situation ? `${situation.name}: ${situation.definition}` : s.situation,
      ...(s.analysis !== undefined ? { analysis: s.analysis } : {}),
      ...(s.storyBackground !== undefined || s.charactersProfiles !== undefined
        ? {
            scenario: {
              ...(s.storyBackground !== undefined ? { storyBackground: s.storyBackground } : {}),
              ...(s.charactersProfiles !== undefined ? { charactersProfiles: s.charactersProfiles } : {}),
            },
          }
        : {}),
      protagonist: labels[protagonist]!,
      supporting_characters: labels.filter((_, i) => i !== protagonist),
      char2pattern: Object.fromEntries(
        s.characters.map((c, i) => [
          labels[i]!,
          c.patterns.map((id, j) => name(id, `characters[${i}].patterns[${j}]`)),
        ]),
      ),
      ...(s.conversation ? { conversation: s.conversation } : {}),
      ...(s.conversation_checklist
        ? {
            conversation_checklist: Object.fromEntries(
              Object.entries(s.conversation_checklist).map(([who, items]) => [who, numbered(items)]),
            ),
          }
        : {}),
      id: s.id,
      relations: s.relations,
      relationScopes: Object.fromEntries(s.relations.map((id) => [id, scopes.get(id) ?? 'either'])),
      motif: s.motif,
      strategy: s.strategy,
      seed: s.seed,
      graphHash: s.graphHash,
      ...(s.provenance
        ? {
            promptHash: s.provenance.promptHash,
            model: s.provenance.model,
            ...(s.provenance.usage ? { usage: s.provenance.usage } : {}),
          }
        : {}),
    };
    return sample;
  });
  if (problems.length)
    throw new InvalidInputError(`${problems.length} problem(s): scenarios do not match the graph`, problems);
  return samples;
}
