/**
 * Assigns a scenario's patterns to characters. Hard rules: EXCLUDES pairs never share a
 * character; every character carries at least one pattern; the protagonist carries at least as
 * many as any supporting character. The conflict mode decides where CONFLICTS pairs go: `inner`
 * keeps each pair inside one character (inner conflict), `split` gives the two sides to different
 * characters (interpersonal conflict), `any` leaves it to chance.
 */
import type { Random } from './random.js';
import { randomInt } from './random.js';
import { type SamplerView, type ViewEdge, pairKey } from './view.js';

export type ConflictMode = 'inner' | 'split' | 'any';

export interface Assignment {
  /** character index per pattern (0 = protagonist), aligned with the input nodes. */
  owner: number[];
  characters: number;
}

function valid(
  view: SamplerView,
  nodes: readonly number[],
  owner: readonly number[],
  characters: number,
  conflicts: readonly [number, number][],
  mode: ConflictMode,
): boolean {
  const sizes = new Int32Array(characters);
  for (const o of owner) sizes[o] = sizes[o]! + 1;
  for (let c = 0; c < characters; c++) if (sizes[c] === 0 || sizes[c]! > sizes[0]!) return false;
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      if (owner[i] === owner[j] && view.excludes.has(pairKey(view, nodes[i]!, nodes[j]!))) return false;
    }
  }
  if (mode === 'inner') return conflicts.every(([i, j]) => owner[i] === owner[j]);
  if (mode === 'split') return conflicts.every(([i, j]) => owner[i] !== owner[j]);
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
): Assignment | undefined {
  if (characters < 1 || characters > nodes.length) return undefined;
  const conflicts: [number, number][] = [];
  if (mode !== 'any') {
    for (const e of edges) {
      if (e.type === 'CONFLICTS') conflicts.push([nodes.indexOf(e.source), nodes.indexOf(e.target)]);
    }
  }
  const owner = new Array<number>(nodes.length).fill(0);
  for (let attempt = 0; attempt < 40; attempt++) {
    for (let i = 0; i < nodes.length; i++) owner[i] = randomInt(random, characters);
    if (valid(view, nodes, owner, characters, conflicts, mode)) return { owner: [...owner], characters };
  }
  const total = characters ** nodes.length;
  const start = randomInt(random, total);
  for (let step = 0; step < total; step++) {
    let code = (start + step) % total;
    for (let i = 0; i < nodes.length; i++) {
      owner[i] = code % characters;
      code = Math.floor(code / characters);
    }
    if (valid(view, nodes, owner, characters, conflicts, mode)) return { owner: [...owner], characters };
  }
  return undefined;
}
