/**
 * A prompt as named sections of parts, and the token budget that fits it. Plain parts are kept
 * whole; pattern parts can be shortened, least important text first: manifestations, then
 * mechanisms, then definitions (to their first sentence, then to the name only). Nothing else is
 * ever cut, so every pattern and every edge survives any budget.
 *
 * Token counts add up exactly: every part ends with a newline and none starts with whitespace up
 * to a newline, and both encodings' pre-tokenizers always split after such a newline run, so no
 * token spans two parts and the count of the whole is the sum of the counts of its parts (fuzzed
 * on random text). Counting parts, not whole prompts, lets the cache serve the pattern blocks that
 * recur across a batch. The one exception, a part opening with "/" (which o200k joins to a
 * preceding ".\n"), can only come from a user's template; then sections are counted on the
 * whole text instead.
 */
import { sha256 } from '../model/index.js';
import type { TokenCounter } from './tokens.js';

export type DefinitionDetail = 'full' | 'first-sentence' | 'name-only';

export interface PatternDetail {
  manifestations: boolean;
  mechanisms: boolean;
  definition: DefinitionDetail;
}

export const FULL_DETAIL: PatternDetail = { manifestations: true, mechanisms: true, definition: 'full' };

export interface PatternPart {
  pattern: string;
  render: (detail: PatternDetail) => string;
}

export type Part = string | PatternPart;

export interface DocumentSection {
  name: string;
  parts: Part[];
}

export interface Shortening {
  pattern: string;
  field: 'manifestations' | 'mechanisms' | 'definition';
  to: 'dropped' | 'first-sentence' | 'name-only';
}

export interface Receipt {
  encoding: string;
  budget: number | null;
  /** Tokens per section, in the prompt's order; they sum to `total`. */
  sections: Record<string, number>;
  total: number;
  overBudget: boolean;
  /** What was shortened to fit the budget, in the order it was done. */
  shortened: Shortening[];
  /** sha256 of the prompt text. */
  promptHash: string;
}

export interface FittedDocument {
  /** Each section's final text, in order; their concatenation is `text`. */
  sections: { name: string; text: string }[];
  text: string;
  receipt: Receipt;
}

/**
 * A part's text in the shape that keeps token counts additive (see the file comment); the last
 * part of a section but the final one also ends with a blank line, to set the sections apart.
 */
export function asPart(text: string, blankLineAfter = false): string {
  const trimmed = text.replace(/^\s*[\r\n]/, '');
  const line = trimmed.endsWith('\n') ? trimmed : `${trimmed}\n`;
  return blankLineAfter && !line.endsWith('\n\n') ? `${line}\n` : line;
}

/** The shortening steps, in the order they are tried. */
function* shorteningSteps(order: readonly string[]): Generator<Shortening> {
  for (const pattern of order) yield { pattern, field: 'manifestations', to: 'dropped' };
  for (const pattern of order) yield { pattern, field: 'mechanisms', to: 'dropped' };
  for (const pattern of order) yield { pattern, field: 'definition', to: 'first-sentence' };
  for (const pattern of order) yield { pattern, field: 'definition', to: 'name-only' };
}

function applyStep(detail: PatternDetail, step: Shortening): PatternDetail {
  if (step.field === 'manifestations') return { ...detail, manifestations: false };
  if (step.field === 'mechanisms') return { ...detail, mechanisms: false };
  return { ...detail, definition: step.to === 'first-sentence' ? 'first-sentence' : 'name-only' };
}

/**
 * Renders the sections, shortening pattern parts (in `shrinkOrder`, first = shortened first)
 * until the total fits `budget`. If even the shortest form does not fit, returns it anyway with
 * `overBudget: true`.
 */
export function fitDocument(
  given: readonly DocumentSection[],
  count: TokenCounter,
  budget: number | undefined,
  shrinkOrder: readonly string[],
): FittedDocument {
  const sections = given.map((s) => ({
    name: s.name,
    parts: s.parts.filter((p) => typeof p !== 'string' || p.trim() !== ''),
  }));
  const details = new Map<string, PatternDetail>();
  const render = (part: Part, i: number, j: number) => {
    const blankLineAfter = i < sections.length - 1 && j === sections[i]!.parts.length - 1;
    const text = typeof part === 'string' ? part : part.render(details.get(part.pattern) ?? FULL_DETAIL);
    return asPart(text, blankLineAfter);
  };
  const rendered = sections.map((s, i) => s.parts.map((part, j) => render(part, i, j)));
  const tokens = rendered.map((parts) => parts.map(count));
  const sum = () => tokens.reduce((all, section) => all + section.reduce((a, b) => a + b, 0), 0);

  let total = sum();
  const shortened: Shortening[] = [];
  if (budget !== undefined && total > budget) {
    for (const step of shorteningSteps(shrinkOrder)) {
      const before = details.get(step.pattern) ?? FULL_DETAIL;
      details.set(step.pattern, applyStep(before, step));
      let changed = false;
      sections.forEach((section, i) =>
        section.parts.forEach((part, j) => {
          if (typeof part === 'string' || part.pattern !== step.pattern) return;
          const text = render(part, i, j);
          if (text === rendered[i]![j]) return;
          rendered[i]![j] = text;
          tokens[i]![j] = count(text);
          changed = true;
        }),
      );
      if (!changed) continue;
      shortened.push(step);
      total = sum();
      if (total <= budget) break;
    }
  }

  const out = sections.map((s, i) => ({ name: s.name, text: rendered[i]!.join('') }));
  const text = out.map((s) => s.text).join('');
  let sectionTokens = tokens.map((parts) => parts.reduce((a, b) => a + b, 0));
  if (rendered.flat().some((part, k) => k > 0 && part.startsWith('/'))) {
    sectionTokens = exactSectionTokens(out, count);
    total = sectionTokens.reduce((a, b) => a + b, 0);
  }
  return {
    sections: out,
    text,
    receipt: {
      encoding: count.encoding,
      budget: budget ?? null,
      sections: Object.fromEntries(sections.map((s, i) => [s.name, sectionTokens[i]!])),
      total,
      overBudget: budget !== undefined && total > budget,
      shortened,
      promptHash: sha256(text),
    },
  };
}

/** Section counts as differences of whole-prefix counts: exact at any boundary, but uncached. */
function exactSectionTokens(sections: readonly { text: string }[], count: TokenCounter): number[] {
  let prefix = '';
  let before = 0;
  return sections.map((s) => {
    prefix += s.text;
    const upTo = count(prefix);
    const own = upTo - before;
    before = upTo;
    return own;
  });
}
