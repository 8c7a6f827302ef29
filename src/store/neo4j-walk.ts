/**
 * The `walk` sampler run against Neo4j without loading the graph, for graphs too big to load
 * into the client. Walks advance in batches: one query per growth step serves every unfinished
 * walk of the batch (UNWIND over the patterns they just added, each looked up once however many
 * walks share it), so a batch of B walks costs about size-max round trips instead of B × size-max.
 *
 * Each walk draws from its own generator (attempt i of seed s uses
 * `createRandom(attemptSeed(s, i))`, exactly as the in-memory sampler does) and keeps its own
 * frontier: the database returns the relationships of each newly added pattern, the client adds
 * their weights (strength in hundredths, summed per candidate) and picks with `pickWeighted`, the
 * in-memory walk's own rule, over the candidates in id order. The edges among a finished set are
 * already known from those lookups, and the in-memory code checks, casts, de-duplicates and reports
 * the sets in attempt order. So for the same graph, options and seed it returns the same scenarios
 * and the same report as `sampleScenarios`, which the test suite checks against a real Neo4j.
 *
 * In the database: the start by rank (`idx`), index seeks and expansion of the added patterns,
 * filtering by relationship type. In the client: the random numbers, target sizes, frontiers and
 * weighted picks, the --min-traits/--min-social narrowing, casting, ids, de-duplication, the
 * report. The client holds only the neighbourhoods of one batch's walks, never the graph.
 */
import {
  CAUSAL_TYPES,
  type CausalType,
  ConstraintError,
  InvalidInputError,
  type PatternKind,
  type Scope,
  field,
  fieldText,
} from '../model/index.js';
import { DIAMONDS, type SampleOptions, checkRanges } from '../sample/options.js';
import { type Random, attemptSeed, createRandom, pickWeighted, randomAfter } from '../sample/random.js';
import { type SampleResult, ScenarioCollector } from '../sample/sample.js';
import { kindNeeded, sizeFailure } from '../sample/strategies.js';
import { type ViewRelation, buildSamplerView, isCausalType, toWeight } from '../sample/view.js';
import { walkRowFromRecord } from './neo4j-mapping.js';
import type { Neo4jStore } from './neo4j-store.js';

/** Strategies the database can run (the others steer by run-wide state, or need the whole graph). */
export const IN_DATABASE_STRATEGIES = ['walk'] as const;

/** Walks advanced together per round trip unless the caller says otherwise. */
export const DEFAULT_BATCH = 5000;

/**
 * The relationships of each looked-up pattern (by id, or by rank for a walk's start): every type,
 * both directions, with what a frontier and a cast need of the other end and of the relation.
 */
const EXPAND_TAIL = `
OPTIONAL MATCH (p)-[r]-(q:Pattern)
RETURN key, p.id AS id, p.kind AS kind,
       collect(CASE WHEN r IS NULL THEN null
               ELSE [r.id, type(r), startNode(r) = p, q.id, q.kind, r.strength, r.scope] END) AS edges`;
export const EXPAND_BY_IDX = `UNWIND $keys AS key MATCH (p:Pattern {idx: key})${EXPAND_TAIL}`;
export const EXPAND_BY_ID = `UNWIND $keys AS key MATCH (p:Pattern {id: key})${EXPAND_TAIL}`;

interface Edge {
  id: string;
  type: ViewRelation['type'];
  outgoing: boolean;
  other: string;
  otherKind: PatternKind;
  strength: number;
  scope: Scope | null;
}

interface Looked {
  id: string;
  kind: PatternKind;
  edges: Edge[];
}

interface Walk {
  /** Position in its batch. */
  k: number;
  seed: number;
  /** Random numbers drawn so far from this attempt's generator. */
  draws: number;
  target: number;
  set: string[];
  kinds: PatternKind[];
  /** Candidates joined to the set by an allowed edge: summed weight and kind. */
  frontier: Map<string, { weight: number; kind: PatternKind }>;
  /** The looked-up members (all but possibly the last added): their edges give the induced relations. */
  looked: Looked[];
  /** No allowed edge leads further. */
  stuck: boolean;
  relations?: ViewRelation[];
}

interface Context {
  store: Neo4jStore;
  types: ReadonlySet<CausalType>;
  bannedSet: ReadonlySet<string>;
  bannedIdx: number[];
  eligible: number;
  weighted: boolean;
  size: [number, number];
  minTraits: number;
  minSocial: number;
}

/**
 * Rejects options the database cannot honour (so the caller gets a 400 / exit 2, not other
 * scenarios than asked for): another strategy, --include, --require.
 */
export function checkInDatabase(options: Pick<SampleOptions, 'strategy' | 'include' | 'require'>): void {
  const strategy = options.strategy ?? 'walk';
  if (!(IN_DATABASE_STRATEGIES as readonly string[]).includes(strategy)) {
    throw new InvalidInputError(
      fieldText`${field('inDatabase')} runs only the ${IN_DATABASE_STRATEGIES.join(', ')} strategy inside Neo4j (got ${field('strategy')} ${strategy}); drop ${field('inDatabase')} to sample from a snapshot`,
    );
  }
  if (options.include?.length)
    throw new InvalidInputError(
      fieldText`${field('include')} is not supported with ${field('inDatabase')}; drop one of them`,
    );
  if (options.require?.length)
    throw new InvalidInputError(
      fieldText`${field('require')} is not supported with ${field('inDatabase')}; drop one of them`,
    );
}

/**
 * Samples `walk` scenarios inside Neo4j: for the same graph, options and seed, the same
 * scenarios and report as `sampleScenarios` (or the same ConstraintError). `batch` walks move per
 * round trip.
 */
export async function sampleInDatabase(
  store: Neo4jStore,
  options: SampleOptions,
  graphHash: string,
  config: { batch?: number } = {},
): Promise<SampleResult> {
  checkInDatabase(options);
  const { size, characters } = checkRanges(options);
  const batch = config.batch ?? DEFAULT_BATCH;
  if (!Number.isInteger(batch) || batch < 1) throw new InvalidInputError('batch must be a positive integer');

  const situations = options.situations ?? [...DIAMONDS];
  const known = new Set((await store.listSituations()).map((s) => s.id));
  for (const s of situations)
    if (!known.has(s))
      throw new InvalidInputError(fieldText`${field('situations')}: unknown situation "${s}"`);
  if (!situations.length)
    throw new InvalidInputError(fieldText`${field('situations')}: at least one situation is needed`);

  const banned = [...new Set(options.exclude ?? [])];
  const found = await store.query(
    'UNWIND $ids AS id OPTIONAL MATCH (p:Pattern {id: id}) RETURN id, p.idx AS idx',
    { ids: banned },
  );
  const missing = found.find((r) => r.idx === null || r.idx === undefined);
  if (missing)
    throw new InvalidInputError(fieldText`${field('exclude')}: unknown pattern "${String(missing.id)}"`);
  const bannedIdx = found.map((r) => Number(r.idx)).sort((a, b) => a - b);
  const total = Number((await store.query('MATCH (p:Pattern) RETURN count(p) AS n'))[0]?.n ?? 0);
  if (!total) throw new ConstraintError('the graph has no patterns');

  const opts = {
    n: options.n,
    seed: options.seed,
    strategy: 'walk' as const,
    characters,
    situations,
    crossSituations: options.crossSituations ?? false,
    conflicts: options.conflicts ?? ('any' as const),
    twins: options.twins ?? ('separate' as const),
    avoidIds: options.avoidIds ?? new Set<string>(),
    allowFewer: options.allowFewer ?? false,
  };
  const ctx: Context = {
    store,
    types: new Set(options.types ?? CAUSAL_TYPES),
    bannedSet: new Set(banned),
    bannedIdx,
    eligible: total - bannedIdx.length,
    weighted: options.weighted ?? true,
    size,
    minTraits: options.minTraits ?? 0,
    minSocial: options.minSocial ?? 0,
  };
  if (!ctx.eligible) throw new ConstraintError('every pattern is excluded');
  const run = new ScenarioCollector(opts, graphHash);
  const catalogSituations = situations.map((id) => ({ id }));

  let next = 0;
  while (!run.done && next < run.maxAttempts) {
    // enough walks for what is still missing (most walks succeed), never past the attempt limit
    const wanted = Math.ceil((opts.n - run.scenarios.length) * 1.25) + 16;
    const count = Math.min(batch, wanted, run.maxAttempts - next);
    const walks = await growBatch(ctx, opts.seed, next, count);
    next += count;
    for (const walk of walks) {
      if (run.done) break;
      run.attempts++;
      const random: Random = randomAfter(walk.seed, walk.draws);
      const traits = walk.kinds.filter((k) => k === 'trait').length;
      const failure = sizeFailure(ctx, walk.set.length, traits);
      if (failure) {
        run.fail(failure);
        continue;
      }
      // cast on a view of just these patterns, with the in-memory sampler's own code
      const view = buildSamplerView({
        patterns: walk.set.map((id, i) => ({ id, kind: walk.kinds[i]! })),
        relations: walk.relations ?? [],
        situations: catalogSituations,
      });
      run.offer(view, { nodes: walk.set.map((id) => view.indexOf.get(id)!) }, random);
    }
  }
  return run.finish();
}

/** The idx of the k-th pattern not excluded, in id order. */
function eligibleIdx(ctx: Context, k: number): number {
  let idx = k;
  for (const b of ctx.bannedIdx) {
    if (b <= idx) idx++;
    else break;
  }
  return idx;
}

/** Looks up patterns (by idx or by id, each once) with their relationships. */
async function lookUp(ctx: Context, query: string, keys: (string | number)[]): Promise<Map<unknown, Looked>> {
  const out = new Map<unknown, Looked>();
  if (!keys.length) return out;
  for (const row of await ctx.store.query(query, { keys: [...new Set(keys)] })) {
    // through the mapping layer: a damaged property is a StoreDataError naming the pattern
    const looked = walkRowFromRecord(row);
    out.set(row.key, looked);
  }
  return out;
}

/** A member's allowed edges add their weights to the frontier, as the in-memory walk's absorb does. */
function absorb(ctx: Context, walk: Walk, looked: Looked): void {
  walk.looked.push(looked);
  walk.frontier.delete(looked.id);
  for (const e of looked.edges) {
    if (!isCausalType(e.type) || !ctx.types.has(e.type) || ctx.bannedSet.has(e.other)) continue;
    if (walk.set.includes(e.other)) continue;
    const entry = walk.frontier.get(e.other);
    const add = ctx.weighted ? toWeight(e.strength) : 1;
    if (entry) entry.weight += add;
    else walk.frontier.set(e.other, { weight: add, kind: e.otherKind });
  }
}

/** Grows attempts first..first+count-1 to their target sizes (or dead ends) with the database. */
async function growBatch(ctx: Context, seed: number, first: number, count: number): Promise<Walk[]> {
  const [min, max] = ctx.size;
  const walks: Walk[] = [];
  const startIdx: number[] = [];
  for (let i = 0; i < count; i++) {
    const s = attemptSeed(seed, first + i);
    const random = createRandom(s);
    // the in-memory walk's draws: the start among the eligible patterns, then the target size
    startIdx.push(eligibleIdx(ctx, Math.floor(random() * ctx.eligible)));
    const target = Math.max(1, min + Math.floor(random() * (max - min + 1)));
    walks.push({
      k: i,
      seed: s,
      draws: 2,
      target,
      set: [],
      kinds: [],
      frontier: new Map(),
      looked: [],
      stuck: false,
    });
  }
  const starts = await lookUp(ctx, EXPAND_BY_IDX, startIdx);
  for (const walk of walks) {
    const looked = starts.get(startIdx[walk.k]);
    if (!looked) throw new ConstraintError('the pattern numbering (idx) is out of date; reload the graph');
    walk.set.push(looked.id);
    walk.kinds.push(looked.kind);
    absorb(ctx, walk, looked);
  }

  const narrowing = ctx.minTraits > 0 || ctx.minSocial > 0;
  for (;;) {
    const pending: Walk[] = [];
    for (const walk of walks) {
      if (walk.stuck || walk.set.length >= walk.target) continue;
      let candidates = [...walk.frontier.keys()].sort();
      if (narrowing) {
        const traits = walk.kinds.filter((k) => k === 'trait').length;
        const need = kindNeeded(ctx.minTraits, ctx.minSocial, walk.target, walk.set.length, traits);
        if (need) candidates = candidates.filter((c) => walk.frontier.get(c)!.kind === need);
      }
      if (!candidates.length) {
        walk.stuck = true;
        continue;
      }
      const weights = candidates.map((c) => walk.frontier.get(c)!.weight);
      const u = randomAfter(walk.seed, walk.draws++)();
      const at = pickWeighted(
        candidates.map((_, i) => i),
        weights,
        u,
      );
      const chosen = candidates[at]!;
      walk.set.push(chosen);
      walk.kinds.push(walk.frontier.get(chosen)!.kind);
      walk.frontier.delete(chosen);
      // the last pattern's edges into the set are known from the others: look it up only to grow on
      if (walk.set.length < walk.target) pending.push(walk);
    }
    if (!pending.length) break;
    const found = await lookUp(
      ctx,
      EXPAND_BY_ID,
      pending.map((w) => w.set[w.set.length - 1]!),
    );
    for (const walk of pending) absorb(ctx, walk, found.get(walk.set[walk.set.length - 1])!);
  }

  for (const walk of walks) {
    const members = new Set(walk.set);
    const relations = new Map<string, ViewRelation>();
    for (const looked of walk.looked) {
      for (const e of looked.edges) {
        if (!members.has(e.other) || relations.has(e.id)) continue;
        relations.set(e.id, {
          id: e.id,
          type: e.type,
          source: e.outgoing ? looked.id : e.other,
          target: e.outgoing ? e.other : looked.id,
          strength: e.strength,
          ...(e.scope ? { scope: e.scope } : {}),
        });
      }
    }
    walk.relations = [...relations.values()];
  }
  return walks;
}
