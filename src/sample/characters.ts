/**
 * Assigns a scenario's patterns to characters. Hard rules: EXCLUDES pairs never share a
 * character; every character carries at least one pattern; the protagonist carries at least as
 * many as any supporting character; each causal edge's scope is honoured — a `within` edge keeps
 * its two patterns in one character, a `between` edge gives them to two different characters.
 * The conflict mode decides only for CONFLICTS edges whose scope is `either`: `inner` keeps the
 * pair inside one character (inner conflict), `split` gives the two sides to different characters
 * (interpersonal conflict), `any` leaves it to chance. The twin mode keeps near-twins (VARIANT_OF)
 * in different characters (`separate`, the default) or lets them share one (`allow`).
 */
import type { Random } from './random.js';
import { randomInt } from './random.js';
import { type SamplerView, type ViewEdge, pairKey } from './view.js';

export type ConflictMode = 'inner' | 'split' | 'any';
export const CONFLICT_MODES = ['inner', 'split', 'any'] as const satisfies readonly ConflictMode[];
/** Where near-twins (VARIANT_OF) may go: one character, different characters, or never together. */
export type TwinMode = 'allow' | 'separate' | 'forbid';
export const TWIN_MODES = ['allow', 'separate', 'forbid'] as const satisfies readonly TwinMode[];

export interface Assignment {
  /** character index per pattern (0 = protagonist), aligned with the input nodes. */
  owner: number[];
  characters: number;
}

/** Pairs of positions (in `nodes`) that must share a character, and pairs that must not. */
interface CastRules {
  together: [number, number][];
  apart: [number, number][];
}

function castRules(
  view: SamplerView,
  nodes: readonly number[],
  edges: readonly ViewEdge[],
  mode: ConflictMode,
  twins: TwinMode,
): CastRules {
  const rules: CastRules = { together: [], apart: [] };
  for (const e of edges) {
    const pair: [number, number] = [nodes.indexOf(e.source), nodes.indexOf(e.target)];
    const scope = e.scope !== 'either' ? e.scope : e.type !== 'CONFLICTS' || mode === 'any' ? 'either' : mode;
    if (scope === 'within' || scope === 'inner') rules.together.push(pair);
    else if (scope === 'between' || scope === 'split') rules.apart.push(pair);
  }
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const key = pairKey(view, nodes[i]!, nodes[j]!);
      if (view.excludes.has(key) || (twins !== 'allow' && view.variants.has(key))) rules.apart.push([i, j]);
    }
  }
  return rules;
}

function valid(owner: readonly number[], characters: number, rules: CastRules): boolean {
  const sizes = new Int32Array(characters);
  for (const o of owner) sizes[o] = sizes[o]! + 1;
  for (let c = 0; c < characters; c++) if (sizes[c] === 0 || sizes[c]! > sizes[0]!) return false;
  for (const [i, j] of rules.apart) if (owner[i] === owner[j]) return false;
  for (const [i, j] of rules.together) if (owner[i] !== owner[j]) return false;
  return true;
}

/**
 * Random valid assignment, or undefined if none exists. Tries random draws first (cheap and
 * unbiased among valid ones), then enumerates all assignments in a fixed order as a fallback.
 */
export function assignCharacters(
  view: SamplerView,
  nodes: readonly number[],
  characters: number,
  mode: ConflictMode,
  random: Random,
  /** The causal edges among `nodes` (see edgesAmong). */
  edges: readonly ViewEdge[],
  twins: TwinMode = 'separate',
): Assignment | undefined {
  if (characters < 1 || characters > nodes.length) return undefined;
  const rules = castRules(view, nodes, edges, mode, twins);
  const owner = new Array<number>(nodes.length).fill(0);
  for (let attempt = 0; attempt < 40; attempt++) {
    for (let i = 0; i < nodes.length; i++) owner[i] = randomInt(random, characters);
    if (valid(owner, characters, rules)) return { owner: [...owner], characters };
  }
  const total = characters ** nodes.length;
  const start = randomInt(random, total);
  for (let step = 0; step < total; step++) {
    let code = (start + step) % total;
    for (let i = 0; i < nodes.length; i++) {
      owner[i] = code % characters;
      code = Math.floor(code / characters);
    }
    if (valid(owner, characters, rules)) return { owner: [...owner], characters };
  }
  return undefined;
}
