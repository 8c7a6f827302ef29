/**
 * Assigns a scenario's patterns to characters. Hard rules: EXCLUDES pairs never share a
 * character; the protagonist carries at least one pattern and at least as many as each supporting
 * character; supporting characters carry one or more where any cast allows it, else they are
 * scene partners who carry none; each causal edge's scope is honoured — a `within` edge keeps
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

/** Sizes are small (a scenario has at most 8 patterns), so one scratch area serves every call. */
const MAX = 16;
const scratch = {
  parent: new Int32Array(MAX),
  block: new Int32Array(MAX),
  blockOfRoot: new Int32Array(MAX),
  size: new Int32Array(MAX),
  apartA: new Int32Array(MAX * MAX),
  apartB: new Int32Array(MAX * MAX),
  owner: new Int32Array(MAX),
  sizes: new Int32Array(MAX),
};

function root(x: number): number {
  const parent = scratch.parent;
  while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
  return x;
}

/**
 * Patterns that must share a character (joined by `within` edges, or `either` CONFLICTS under
 * `inner`) form blocks, and the cast assigns whole blocks; pairs that must be apart (`between`
 * edges, `either` CONFLICTS under `split`, EXCLUDES, near-twins unless allowed) become block
 * pairs. Returns the number of blocks and of apart pairs, or -1 when a pair that must be apart sits
 * inside one block — no cast can work.
 */
function buildBlocks(
  view: SamplerView,
  nodes: readonly number[],
  edges: readonly ViewEdge[],
  mode: ConflictMode,
  twins: TwinMode,
): { blocks: number; apart: number } | undefined {
  const n = nodes.length;
  const { parent, block, blockOfRoot, size, apartA, apartB } = scratch;
  for (let i = 0; i < n; i++) parent[i] = i;
  const position = (node: number) => {
    for (let i = 0; i < n; i++) if (nodes[i] === node) return i;
    return -1;
  };
  let apart = 0;
  for (const e of edges) {
    const scope = e.scope !== 'either' ? e.scope : e.type !== 'CONFLICTS' || mode === 'any' ? 'either' : mode;
    if (scope === 'either') continue;
    const i = position(e.source);
    const j = position(e.target);
    if (scope === 'within' || scope === 'inner') parent[root(i)] = root(j);
    else {
      apartA[apart] = i;
      apartB[apart++] = j;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const key = pairKey(view, nodes[i]!, nodes[j]!);
      if (view.excludes.has(key) || (twins !== 'allow' && view.variants.has(key))) {
        apartA[apart] = i;
        apartB[apart++] = j;
      }
    }
  }
  blockOfRoot.fill(-1, 0, n);
  let blocks = 0;
  for (let i = 0; i < n; i++) {
    const r = root(i);
    if (blockOfRoot[r] === -1) {
      blockOfRoot[r] = blocks;
      size[blocks++] = 0;
    }
    block[i] = blockOfRoot[r]!;
    size[block[i]!] = size[block[i]!]! + 1;
  }
  for (let k = 0; k < apart; k++) {
    const a = block[apartA[k]!]!;
    const b = block[apartB[k]!]!;
    if (a === b) return undefined;
    apartA[k] = a;
    apartB[k] = b;
  }
  return { blocks, apart };
}

function valid(blocks: number, apart: number, characters: number, partners: boolean): boolean {
  const { owner, size, sizes, apartA, apartB } = scratch;
  sizes.fill(0, 0, characters);
  for (let b = 0; b < blocks; b++) sizes[owner[b]!] = sizes[owner[b]!]! + size[b]!;
  if (sizes[0] === 0) return false;
  for (let c = 1; c < characters; c++)
    if ((sizes[c] === 0 && !partners) || sizes[c]! > sizes[0]!) return false;
  for (let k = 0; k < apart; k++) if (owner[apartA[k]!] === owner[apartB[k]!]) return false;
  return true;
}

/** Random draws first (cheap and unbiased among valid casts), then every cast in a fixed order. */
function tryAssign(
  blocks: number,
  apart: number,
  characters: number,
  random: Random,
  partners: boolean,
): boolean {
  const owner = scratch.owner;
  for (let attempt = 0; attempt < 40; attempt++) {
    for (let b = 0; b < blocks; b++) owner[b] = randomInt(random, characters);
    if (valid(blocks, apart, characters, partners)) return true;
  }
  const total = characters ** blocks;
  const start = randomInt(random, total);
  for (let step = 0; step < total; step++) {
    let code = (start + step) % total;
    for (let b = 0; b < blocks; b++) {
      owner[b] = code % characters;
      code = Math.floor(code / characters);
    }
    if (valid(blocks, apart, characters, partners)) return true;
  }
  return false;
}

/**
 * A random valid cast, or undefined if none exists: first one in which every character carries a
 * pattern; only if the edges allow no such cast, one in which supporting characters may carry
 * none (scene partners) — e.g. when within-one-mind edges join every pattern.
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
  if (characters < 1 || nodes.length > MAX || characters > MAX) return undefined;
  const built = buildBlocks(view, nodes, edges, mode, twins);
  if (!built) return undefined;
  const { blocks, apart } = built;
  const found =
    (blocks >= characters && tryAssign(blocks, apart, characters, random, false)) ||
    tryAssign(blocks, apart, characters, random, true);
  if (!found) return undefined;
  const owner = new Array<number>(nodes.length);
  for (let i = 0; i < nodes.length; i++) owner[i] = scratch.owner[scratch.block[i]!]!;
  return { owner, characters };
}
