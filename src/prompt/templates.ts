/**
 * Every word a compiled prompt adds around the graph's own text: headings, instructions, line
 * shapes, format rules and the role-play system prompt. Data, not code: a user JSON file
 * (`--templates FILE`) may override any part; placeholders are written `{name}`.
 */
import { z } from 'zod';
import { InvalidInputError, type InputProblem, zodProblems } from '../model/index.js';

export const DEFAULT_TEMPLATES = {
  headings: {
    task: '## Task',
    patterns: '## Patterns',
    relations: '## How the patterns interact',
    situation: '## Situation',
    cast: '## Cast',
    dynamics: '## Expected dynamics',
    format: '## Output format',
  },
  task:
    'You are a screenwriter and a psychologist. Write one scene in which the characters below act ' +
    'out the psychological patterns they carry, in the situation given. The patterns and the ways ' +
    'they push on each other come from a causal graph: let every interaction listed below shape what ' +
    'the characters think, do and say.',
  labels: {
    protagonist: 'Protagonist',
    supporting: 'Supporting character {n}',
    roleProtagonist: 'protagonist',
    roleSupporting: 'supporting',
    trait: 'trait: {dimension} {pole}',
    socialCognitive: 'social-cognitive: {category}',
    carriedBy: 'carried by {characters}',
    uncarried: 'not tied to one character',
  },
  pattern: {
    heading: '### {name} ({kind}; {carriers})',
    definition: '{definition}',
    mechanisms: 'Thinking: {cognitive} Feeling: {emotional} Doing: {behavioral}',
    manifestationsIntro: 'For example:',
    manifestation: '- {text}',
  },
  relations: {
    intro:
      'Each line is an edge of the graph: source, type, target, strength (0-1), who it acts within, and the general rule. ' +
      'REINFORCES: the source makes the target stronger or likelier. CONFLICTS: the two pull against ' +
      'each other. MODULATES: the source changes how the target shows under the condition. ' +
      "An edge acts within one person, between two people (one person's pattern works on another's), or either.",
    line: '- {source} {type} {target} ({strength}, {scope}): {rationale}',
    scopes: {
      within: 'within one person',
      between: "one person's on another's",
      either: 'within or between people',
    },
    modulation: '  Condition: {condition} Effect: {source} {effect} {target}.',
    none: 'No causal edge joins these patterns in the graph: let each show on its own.',
  },
  situation: {
    line: '{name}: {definition}',
    background: 'Story background: {background}',
  },
  cast: {
    line: '- {character} ({role}): {patterns}',
    partner:
      '- {character} ({role}): carries none of these patterns; the scene partner the others act with and react to',
    uncarried: '- Not tied to one character: {patterns}',
  },
  dynamics: {
    shows: '{character} should show {patterns}.',
    partner: '{character} carries none of these patterns: react as the scene needs, in your own way.',
    reinforcesInner: '- Within {character}, {source} strengthens {target}: let them rise together.',
    conflictsInner:
      '- Inner conflict in {character}: {source} against {target}. Let the inner thought pull one ' +
      'way while the action or the speech goes the other.',
    modulatesInner: '- Within {character}, {source} {effect} {target} under this condition: {condition}',
    between: 'Between the characters:',
    reinforcesAcross: "- {sourceCharacter}'s {source} draws out {targetCharacter}'s {target}.",
    conflictsAcross:
      "- Interpersonal conflict: {sourceCharacter}'s {source} clashes with {targetCharacter}'s " +
      '{target}; bring it to a head at a turning point.',
    modulatesAcross:
      "- {sourceCharacter}'s {source} {effect} {targetCharacter}'s {target} under this condition: {condition}",
    betweenInOne:
      "- {source} {type} {target} acts between people, yet {character} carries both: show {character}'s " +
      '{source} working on how others around them show {target}, not as a pull inside {character}.',
    withinAcross:
      '- {source} {type} {target} works inside one mind, yet {sourceCharacter} carries {source} and ' +
      '{targetCharacter} {target}: let each show their own side; do not stage it as a clash between them.',
  },
  formatRules: [
    '- Write 12-20 speaking turns. A supporting character opens and the protagonist has the last turn; turns follow one another with no interruptions or cut-off sentences.',
    '- Write every turn as `Name: [inner thought] (action or expression) speech`. The inner thought is invisible to the others, the action is visible, the speech is said aloud; at key moments use all three.',
    '- Show, do not tell: never name a pattern or describe it in psychological terms; let it appear in what the characters think, do and say.',
    '- Bring the patterns forward at turning points and leave breathing room between them; at key moments the thought drives the action and the speech.',
    '- Use only the characters in the cast (give unnamed ones a first name) and no narrator. React as real people would, not as archetypes: undesirable behaviour is intended where a pattern calls for it.',
  ],
  roleplay: {
    opening: 'You are {name}.',
    about: '==About {name}==',
    profileIntro: 'Your psychological make-up:',
    interactions: 'How your tendencies interact:',
    others: "=={name}'s Perception of Others==",
    other: '- {other} ({role}): you know them only from what they say and do in front of you.',
    scenario: '==Current Scenario==',
    requirements: '==Requirements==',
    rules: [
      '- Stay in character as {name} and write only your own turn, starting with "{name}: ".',
      '- Write [inner thoughts] in square brackets (invisible to the others), (actions and expressions) in parentheses (visible), and speech as plain text.',
      '- Show your tendencies through thoughts, actions and words; never name them.',
      '- React to what the others say and do; never speak or act for them.',
    ],
  },
};

export type Templates = typeof DEFAULT_TEMPLATES;

/** The user's file: any subset of the default's keys, the same shapes, nothing else. */
function overrideSchema(value: unknown): z.ZodType {
  if (typeof value === 'string') return z.string();
  if (Array.isArray(value)) return z.array(z.string()).min(1);
  const shape: Record<string, z.ZodType> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>))
    shape[key] = overrideSchema(child).optional();
  return z.strictObject(shape);
}
const TemplateOverridesSchema = overrideSchema(DEFAULT_TEMPLATES);

const PLACEHOLDER = /\{(\w+)\}/g;
const placeholders = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);

/** Placeholders a user string may use: the ones its default uses (so no slot is left unfilled). */
function checkPlaceholders(
  user: unknown,
  base: unknown,
  path: string,
  problems: InputProblem[],
  file: string,
) {
  if (typeof user === 'string' || Array.isArray(user)) {
    const allowed = new Set((Array.isArray(base) ? base : [base]).flatMap((s) => placeholders(String(s))));
    const texts: string[] = Array.isArray(user) ? user : [user as string];
    texts.forEach((text, i) => {
      for (const name of placeholders(text)) {
        if (allowed.has(name)) continue;
        const at = Array.isArray(user) ? `${path}[${i}]` : path;
        const list = [...allowed].map((a) => `{${a}}`).join(', ') || 'none';
        problems.push({ file, path: at, message: `unknown placeholder {${name}} (allowed: ${list})` });
      }
    });
    return;
  }
  for (const [key, child] of Object.entries(user as Record<string, unknown>))
    checkPlaceholders(
      child,
      (base as Record<string, unknown>)[key],
      path ? `${path}.${key}` : key,
      problems,
      file,
    );
}

function deepMerge<T>(base: T, override: unknown): T {
  if (override === undefined) return base;
  if (typeof base === 'string' || Array.isArray(base)) return override as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override as Record<string, unknown>))
    out[key] = deepMerge(out[key], value);
  return out as T;
}

/**
 * The default templates with a user's overrides applied. Throws InvalidInputError listing every
 * problem (unknown key, wrong type, unknown placeholder) with the file and JSON path.
 */
export function resolveTemplates(overrides?: unknown, file = 'templates'): Templates {
  if (overrides === undefined) return DEFAULT_TEMPLATES;
  const parsed = TemplateOverridesSchema.safeParse(overrides);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error, file);
    throw new InvalidInputError(`--templates: ${problems.length} problem(s) in ${file}`, problems);
  }
  const problems: InputProblem[] = [];
  checkPlaceholders(parsed.data, DEFAULT_TEMPLATES, '', problems, file);
  if (problems.length)
    throw new InvalidInputError(`--templates: ${problems.length} problem(s) in ${file}`, problems);
  return deepMerge(DEFAULT_TEMPLATES, parsed.data);
}

/** Fills `{name}` slots; a slot without a value is left as written. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (slot, name: string) => {
    const value = values[name];
    return value === undefined ? slot : String(value);
  });
}
