/**
 * HumanLLM interchange: import the release's files (scenario splits, patterns_data.json,
 * pattern_level_checklist.json) into psygraph's shapes, mapping their pattern names to our ids,
 * and export our scenarios back in their sample shape. All or nothing: every problem in every
 * file is collected, and if there is any, nothing is returned.
 */
import {
  type Catalog,
  InvalidInputError,
  type InputProblem,
  type Scenario,
  type SourceFile,
  graphHash,
  slugify,
  zodProblems,
} from '../model/index.js';
import { edgesAmong, scenarioId } from '../sample/assemble.js';
import { classifyMotif } from '../sample/motif.js';
import { buildSamplerView } from '../sample/view.js';
import { type HumanllmSample, HumanllmSampleSchema } from './humanllm-schema.js';
import {
  type ImportedChecklist,
  type ImportedPatternText,
  type NameResolver,
  importChecklists,
  importPatternTexts,
  isChecklistFile,
  isPatternsDataFile,
} from './humanllm-reference.js';

export { exportHumanllm } from './humanllm-export.js';
export type { ImportedChecklist, ImportedPatternText } from './humanllm-reference.js';

export interface HumanllmImport {
  scenarios: Scenario[];
  patternTexts: ImportedPatternText[];
  patternChecklists: ImportedChecklist[];
}

/** Their lowercase names → our ids: the kebab-case of the name, or of one of our aliases. */
export function patternNameResolver(catalog: Catalog): NameResolver {
  const ids = new Set(catalog.patterns.map((p) => p.id));
  const aliases = new Map<string, string>();
  for (const p of catalog.patterns) for (const a of p.aliases ?? []) aliases.set(slugify(a), p.id);
  return (name) => {
    const slug = slugify(name);
    return ids.has(slug) ? slug : aliases.get(slug);
  };
}

/** A checklist as clean items: "1. Talks fast; 2. Freezes" or ["1. Talks fast", …] → ["Talks fast", …]. */
export function checklistItems(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? value.split(/;\s*(?=\d+[.)]\s)|\n+/) : value;
  return items.map((item) => item.replace(/^\s*\d+[.)]\s*/, '').trim()).filter(Boolean);
}

interface SampleContext {
  file: string;
  index: number;
  resolve: NameResolver;
  situations: ReadonlySet<string>;
  view: ReturnType<typeof buildSamplerView>;
  hash: string;
  problems: InputProblem[];
}

function importSample(sample: HumanllmSample, c: SampleContext): Scenario | undefined {
  const before = c.problems.length;
  const at = (path: string, message: string) =>
    c.problems.push({ file: c.file, path: `[${c.index}].${path}`, message });
  const mapNames = (names: string | readonly string[], path: string) =>
    (typeof names === 'string' ? [names] : names).flatMap((name, j) => {
      const id = c.resolve(name);
      if (!id) at(typeof names === 'string' ? path : `${path}[${j}]`, `unknown pattern "${name}"`);
      return id ?? [];
    });

  const patterns = [...new Set(mapNames(sample.pattern, 'pattern'))].sort();
  const situationName = sample.situation.split(':')[0]!.trim();
  const situation = slugify(situationName);
  if (!c.situations.has(situation)) at('situation', `unknown situation "${situationName}"`);

  const profiles = sample.scenario?.charactersProfiles;
  const supporting = sample.supporting_characters ?? profiles?.supportingCharacter?.map((p) => p.name) ?? [];
  const c2p = sample.char2pattern ?? { [sample.protagonist]: sample.pattern };
  const names = [...new Set([sample.protagonist, ...supporting, ...Object.keys(c2p)])];
  const characters: Scenario['characters'] = [];
  for (const name of names) {
    const carried = c2p[name];
    const ids = carried === undefined ? [] : [...new Set(mapNames(carried, `char2pattern.${name}`))].sort();
    for (const id of ids)
      if (!patterns.includes(id)) at(`char2pattern.${name}`, `"${id}" is not among the sample's patterns`);
    if (name === sample.protagonist && !ids.length)
      at(`char2pattern.${name}`, `the protagonist "${name}" carries no pattern`);
    // a character who carries no pattern still speaks, but has no place in the cast
    if (ids.length)
      characters.push({
        role: name === sample.protagonist ? 'protagonist' : 'supporting',
        patterns: ids,
        name,
      });
  }
  if (c.problems.length > before) return undefined;

  const nodes = patterns.map((id) => c.view.indexOf.get(id)!);
  const edges = edgesAmong(c.view, nodes);
  const checklist = sample.conversation_checklist;
  return {
    id: scenarioId(
      patterns,
      situation,
      characters.map((ch) => ch.patterns),
    ),
    patterns,
    relations: edges.map((e) => e.id).sort(),
    motif: classifyMotif(nodes, edges),
    situation,
    characters,
    strategy: 'manual',
    seed: 0,
    graphHash: c.hash,
    ...(sample.scenario?.storyBackground !== undefined
      ? { storyBackground: sample.scenario.storyBackground }
      : {}),
    ...(profiles ? { charactersProfiles: profiles } : {}),
    ...(sample.analysis !== undefined ? { analysis: sample.analysis } : {}),
    ...(sample.conversation ? { conversation: sample.conversation } : {}),
    ...(checklist
      ? {
          conversation_checklist: Object.fromEntries(
            Object.entries(checklist).map(([name, items]) => [name, checklistItems(items)]),
          ),
        }
      : {}),
  };
}

function importSamples(file: SourceFile, base: Omit<SampleContext, 'file' | 'index'>): Scenario[] {
  if (!Array.isArray(file.data)) {
    base.problems.push({ file: file.file, path: '(root)', message: 'must be a JSON array of samples' });
    return [];
  }
  return file.data.flatMap((raw, index) => {
    const parsed = HumanllmSampleSchema.safeParse(raw);
    if (!parsed.success) {
      base.problems.push(...zodProblems(parsed.error, file.file, [index]));
      return [];
    }
    return importSample(parsed.data, { ...base, file: file.file, index }) ?? [];
  });
}

/**
 * Imports HumanLLM files of any of the three kinds, told apart by their content. Throws one
 * InvalidInputError listing every problem (file, record index, field) if any file has one.
 */
export function importHumanllm(files: readonly SourceFile[], catalog: Catalog): HumanllmImport {
  const problems: InputProblem[] = [];
  const resolve = patternNameResolver(catalog);
  const base = {
    resolve,
    situations: new Set(catalog.situations.map((s) => s.id)),
    view: buildSamplerView(catalog),
    hash: graphHash(catalog.patterns, catalog.relations),
    problems,
  };
  const out: HumanllmImport = { scenarios: [], patternTexts: [], patternChecklists: [] };
  for (const file of files) {
    if (isChecklistFile(file.data)) out.patternChecklists.push(...importChecklists(file, resolve, problems));
    else if (isPatternsDataFile(file.data))
      out.patternTexts.push(...importPatternTexts(file, resolve, problems));
    else out.scenarios.push(...importSamples(file, base));
  }
  if (problems.length)
    throw new InvalidInputError(
      `${problems.length} problem(s) in the HumanLLM files; nothing imported`,
      problems,
    );
  return out;
}
