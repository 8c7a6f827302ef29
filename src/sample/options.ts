/** Sampling options, their defaults, and the checks that reject impossible requests up front. */
import {
  CAUSAL_TYPES,
  type CausalType,
  ConstraintError,
  InvalidInputError,
  MOTIFS,
  type Motif,
  type Strategy,
  field,
  fieldText,
} from '../model/index.js';
import type { ConflictMode, TwinMode } from './characters.js';
import { type GrowPolicy, connectRequired } from './grow.js';
import { type SamplerView, pairKey } from './view.js';

export const DIAMONDS = [
  'duty',
  'intellect',
  'adversity',
  'mating',
  'positivity',
  'negativity',
  'deception',
  'sociality',
] as const;

/**
 * Situation names as users write them: ids, or the keywords `diamonds`, `life-domains` and `all`
 * (shared by `psygraph sample --situation` and POST /api/sample).
 */
export function expandSituations(
  situations: readonly { id: string; family: string }[],
  names: readonly string[],
): string[] {
  const family = (f: string) => situations.filter((s) => s.family === f).map((s) => s.id);
  return names.flatMap((s) =>
    s === 'all'
      ? situations.map((x) => x.id)
      : s === 'diamonds'
        ? family('diamonds')
        : s === 'life-domains'
          ? family('life-domain')
          : [s],
  );
}

/** Ids to check one at a time: a Set, or a store's index (so a million saved ids need not be loaded). */
export interface IdLookup {
  has(id: string): boolean;
}

export interface SampleOptions {
  n: number;
  seed: number;
  strategy?: Strategy;
  /** Inclusive pattern-count range (default 2-5). */
  size?: [number, number];
  /** Edge types the walk may follow (default all causal types). */
  types?: CausalType[];
  /** Prefer stronger edges when growing (default true). */
  weighted?: boolean;
  include?: string[];
  exclude?: string[];
  minTraits?: number;
  minSocial?: number;
  /** Relation types every scenario must contain among its patterns. */
  require?: CausalType[];
  /** Situation ids to choose from (default the 8 DIAMONDS types). */
  situations?: string[];
  /** Emit every sampled pattern set once per listed situation. */
  crossSituations?: boolean;
  /** Inclusive range of characters per scenario (default 2-2, capped by the pattern count). */
  characters?: [number, number];
  conflicts?: ConflictMode;
  /** Near-twins (VARIANT_OF): `separate` (default) keeps them in different characters. */
  twins?: TwinMode;
  /** Motif shares for the motif strategy (default: equal shares of all six). */
  motifs?: Partial<Record<Motif, number>>;
  /** Scenario ids to treat as already taken (e.g. those saved in the store). */
  avoidIds?: IdLookup;
  /** Return what was found instead of failing when fewer than n unique scenarios exist. */
  allowFewer?: boolean;
}

export interface ResolvedOptions {
  n: number;
  seed: number;
  strategy: Strategy;
  size: [number, number];
  types: ReadonlySet<CausalType>;
  weighted: boolean;
  include: number[];
  /** Smallest connected set holding every included pattern (walk start). */
  core: number[];
  banned: Uint8Array;
  minTraits: number;
  minSocial: number;
  require: CausalType[];
  situations: string[];
  crossSituations: boolean;
  characters: [number, number];
  conflicts: ConflictMode;
  twins: TwinMode;
  motifs: [Motif, number][];
  avoidIds: IdLookup;
  allowFewer: boolean;
}

function indexAll(view: SamplerView, ids: readonly string[], name: 'include' | 'exclude'): number[] {
  return ids.map((id) => {
    const i = view.indexOf.get(id);
    if (i === undefined) throw new InvalidInputError(fieldText`${field(name)}: unknown pattern "${id}"`);
    return i;
  });
}

/** Size of the largest connected piece of the allowed graph (patterns not banned). */
function largestComponent(view: SamplerView, policy: Pick<GrowPolicy, 'types' | 'banned'>): number {
  const seen = new Uint8Array(view.ids.length);
  let best = 0;
  for (let s = 0; s < view.ids.length; s++) {
    if (seen[s] || policy.banned[s]) continue;
    let size = 0;
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const node = stack.pop()!;
      size++;
      for (const e of view.adjacency[node]!) {
        if (!policy.types.has(e.type)) continue;
        const o = e.source === node ? e.target : e.source;
        if (!seen[o] && !policy.banned[o]) {
          seen[o] = 1;
          stack.push(o);
        }
      }
    }
    best = Math.max(best, size);
  }
  return best;
}

/** The checks that need no graph: counts and ranges. Returns the size and character ranges. */
export function checkRanges(options: SampleOptions): {
  size: [number, number];
  characters: [number, number];
} {
  const size = options.size ?? [2, 5];
  if (!Number.isInteger(options.n) || options.n < 1)
    throw new InvalidInputError(fieldText`${field('n')} must be a positive integer`);
  if (size[0] < 2 || size[1] < size[0] || size[1] > 8) {
    throw new InvalidInputError(
      fieldText`${field('size')} must be a range within 2-8 with min <= max (got ${size.join('-')})`,
    );
  }
  const characters = options.characters ?? [2, 2];
  if (characters[0] < 1 || characters[1] < characters[0]) {
    throw new InvalidInputError(
      fieldText`${field('characters')} must be a range with 1 <= min <= max (got ${characters.join('-')})`,
    );
  }
  if (characters[0] > size[1]) {
    throw new ConstraintError(
      fieldText`${field('characters')} ${characters[0]} needs at least that many patterns, but ${field('size')} allows at most ${size[1]}`,
    );
  }
  if ((options.minTraits ?? 0) + (options.minSocial ?? 0) > size[1]) {
    throw new ConstraintError(
      fieldText`${field('minTraits')} ${options.minTraits ?? 0} + ${field('minSocial')} ${options.minSocial ?? 0} exceed the largest size ${size[1]}`,
    );
  }
  return { size, characters };
}

export function resolveOptions(view: SamplerView, options: SampleOptions): ResolvedOptions {
  const strategy = options.strategy ?? 'walk';
  const { size, characters } = checkRanges(options);
  const types = new Set(options.types ?? CAUSAL_TYPES);
  const include = indexAll(view, options.include ?? [], 'include');
  const exclude = indexAll(view, options.exclude ?? [], 'exclude');
  const both = include.filter((i) => exclude.includes(i));
  if (both.length) throw new ConstraintError(`"${view.ids[both[0]!]}" is both included and excluded`);
  const banned = new Uint8Array(view.ids.length);
  for (const i of exclude) banned[i] = 1;

  for (let i = 0; i < include.length; i++) {
    for (let j = i + 1; j < include.length; j++) {
      const key = pairKey(view, include[i]!, include[j]!);
      const [a, b] = [view.ids[include[i]!], view.ids[include[j]!]];
      if (characters[1] < 2 && view.excludes.has(key)) {
        throw new ConstraintError(
          fieldText`${field('include')} ${a} and ${b} EXCLUDE each other and cannot share a character; allow ${field('characters')} 2 or more`,
        );
      }
      const between = view.pairEdges.get(key)?.find((e) => e.scope === 'between');
      if (characters[1] < 2 && between) {
        throw new ConstraintError(
          fieldText`${field('include')} ${a} and ${b}: ${between.id} acts between two people, so they need two characters; allow ${field('characters')} 2 or more`,
        );
      }
      if (options.twins === 'forbid' && view.variants.has(key)) {
        throw new ConstraintError(
          fieldText`${field('include')} ${a} and ${b} are near-twins, which ${field('twins')} forbid keeps apart`,
        );
      }
    }
  }

  const minTraits = options.minTraits ?? 0;
  const minSocial = options.minSocial ?? 0;
  const require = options.require ?? [];
  for (const t of require) {
    if (!types.has(t))
      throw new ConstraintError(
        fieldText`${field('require')} ${t} is not among the walked types (${field('types')})`,
      );
    if (!view.edges.some((e) => e.type === t && !banned[e.source] && !banned[e.target])) {
      throw new ConstraintError(
        fieldText`${field('require')} ${t}: the graph has no ${t} edge between allowed patterns`,
      );
    }
  }
  const situations = options.situations ?? [...DIAMONDS];
  for (const s of situations) {
    if (!view.situations.includes(s))
      throw new InvalidInputError(fieldText`${field('situations')}: unknown situation "${s}"`);
  }
  if (!situations.length)
    throw new InvalidInputError(fieldText`${field('situations')}: at least one situation is needed`);

  const policy = { types, banned };
  let core: number[] = [];
  if (strategy !== 'humanllm') {
    if (include.length) {
      const connected = connectRequired(view, include, { ...policy, weighted: false });
      if (!connected) {
        throw new ConstraintError(
          fieldText`${field('include')} patterns are not connected through ${[...types].join('/')} edges`,
        );
      }
      if (connected.length > size[1]) {
        throw new ConstraintError(
          fieldText`${field('include')} patterns need at least ${connected.length} patterns to be connected, more than ${field('size')} ${size[1]}`,
        );
      }
      core = connected;
    }
    const largest = largestComponent(view, policy);
    if (largest < size[0]) {
      throw new ConstraintError(
        fieldText`no connected group of ${size[0]} patterns exists through ${[...types].join('/')} edges (largest: ${largest}); lower ${field('size')} or allow more ${field('types')}`,
      );
    }
  }

  const shares = Object.entries(options.motifs ?? Object.fromEntries(MOTIFS.map((m) => [m, 1]))) as [
    Motif,
    number,
  ][];
  for (const [m, share] of shares) {
    if (!(MOTIFS as readonly string[]).includes(m))
      throw new InvalidInputError(fieldText`${field('motifs')}: unknown motif "${m}"`);
    if (!(share >= 0))
      throw new InvalidInputError(fieldText`${field('motifs')}: share of ${m} must be a number >= 0`);
  }

  return {
    n: options.n,
    seed: options.seed,
    strategy,
    size,
    types,
    weighted: options.weighted ?? true,
    include,
    core,
    banned,
    minTraits,
    minSocial,
    require,
    situations,
    crossSituations: options.crossSituations ?? false,
    characters,
    conflicts: options.conflicts ?? 'any',
    twins: options.twins ?? 'separate',
    motifs: shares.filter(([, s]) => s > 0),
    avoidIds: options.avoidIds ?? new Set(),
    allowFewer: options.allowFewer ?? false,
  };
}
