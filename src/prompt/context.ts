/**
 * What the compiler needs from the graph, indexed once per batch, and a scenario resolved against
 * it: its patterns, its sampled edges, its situation and its cast with readable labels.
 */
import {
  type Catalog,
  InvalidInputError,
  type InputProblem,
  type Pattern,
  type Relation,
  type Scenario,
  type Situation,
} from '../model/index.js';
import { type Templates, DEFAULT_TEMPLATES, fill } from './templates.js';
import { type Encoding, type TokenCounter, createTokenCounter } from './tokens.js';

export interface PromptContext {
  patterns: ReadonlyMap<string, Pattern>;
  relations: ReadonlyMap<string, Relation>;
  situations: ReadonlyMap<string, Situation>;
  templates: Templates;
  count: TokenCounter;
}

export interface PromptContextOptions {
  templates?: Templates;
  encoding?: Encoding;
}

export function createPromptContext(catalog: Catalog, options: PromptContextOptions = {}): PromptContext {
  return {
    patterns: new Map(catalog.patterns.map((p) => [p.id, p])),
    relations: new Map(catalog.relations.map((r) => [r.id, r])),
    situations: new Map(catalog.situations.map((s) => [s.id, s])),
    templates: options.templates ?? DEFAULT_TEMPLATES,
    count: createTokenCounter(options.encoding),
  };
}

export interface CastMember {
  /** The character's name, or for drafts "Protagonist", "Supporting character 1", … */
  label: string;
  role: 'protagonist' | 'supporting';
  patterns: Pattern[];
}

export interface ResolvedScenario {
  scenario: Scenario;
  patterns: Pattern[];
  relations: Relation[];
  situation: Situation;
  cast: CastMember[];
  /** Cast indexes carrying each pattern id (empty when no character carries it). */
  carriers: ReadonlyMap<string, number[]>;
}

/** Looks every id of the scenario up in the graph; unknown ids are reported all at once. */
export function resolveScenario(scenario: Scenario, ctx: PromptContext): ResolvedScenario {
  const problems: InputProblem[] = [];
  const where = `scenario ${scenario.id}`;
  const pattern = (id: string, path: string): Pattern | undefined => {
    const p = ctx.patterns.get(id);
    if (!p) problems.push({ file: where, path, message: `unknown pattern "${id}"` });
    return p;
  };
  const patterns = scenario.patterns.flatMap((id, i) => pattern(id, `patterns[${i}]`) ?? []);
  const relations = scenario.relations.flatMap((id, i) => {
    const r = ctx.relations.get(id);
    if (!r)
      problems.push({
        file: where,
        path: `relations[${i}]`,
        message: `relation "${id}" is not in the graph`,
      });
    return r ?? [];
  });
  const situation = ctx.situations.get(scenario.situation);
  if (!situation)
    problems.push({ file: where, path: 'situation', message: `unknown situation "${scenario.situation}"` });
  let supporting = 0;
  const labels = ctx.templates.labels;
  const cast = scenario.characters.map((c, i) => {
    const n = c.role === 'supporting' ? ++supporting : 0;
    return {
      label: c.name ?? (n ? fill(labels.supporting, { n }) : labels.protagonist),
      role: c.role,
      patterns: c.patterns.flatMap((id, j) => pattern(id, `characters[${i}].patterns[${j}]`) ?? []),
    };
  });
  if (problems.length || !situation)
    throw new InvalidInputError(
      `${where} does not match the graph (${problems.length} problem(s))`,
      problems,
    );
  const carriers = new Map<string, number[]>(patterns.map((p) => [p.id, []]));
  cast.forEach((c, i) => c.patterns.forEach((p) => carriers.get(p.id)?.push(i)));
  return { scenario, patterns, relations, situation, cast, carriers };
}
