/**
 * sampleScenarios: the product's core act. Pure and seeded: the same graph, options and seed give
 * the same scenarios, byte for byte, whichever store the graph came from.
 */
import { type Catalog, ConstraintError, type Motif, type Scenario, graphHash } from '../model/index.js';
import { assembleScenario, scenarioId } from './assemble.js';
import { type ResolvedOptions, type SampleOptions, resolveOptions } from './options.js';
import { type Random, attemptSeed, createRandom, randomInt } from './random.js';
import {
  type Proposal,
  motifProposer,
  newRunState,
  proposeCoverage,
  proposeHumanllm,
  proposeWalk,
  recordUse,
} from './strategies.js';
import { type SamplerView, buildSamplerView, pairKey } from './view.js';

export interface SampleReport {
  requested: number;
  produced: number;
  attempts: number;
  duplicates: number;
  /** Why attempts were rejected, with counts. */
  failures: Record<string, number>;
  /**
   * humanllm only: bundles drawn, vetoed by EXCLUDES, connected in our graph (every pattern
   * reachable through causal edges among them), and linked (at least one causal edge among them).
   */
  humanllm?: {
    bundles: number;
    vetoed: number;
    connected: number;
    linked: number;
    connectedShare: number;
    linkedShare: number;
  };
}

export interface SampleResult {
  scenarios: Scenario[];
  report: SampleReport;
}

/** Largest-remainder split of n into the motif shares. */
function motifQuotas(motifs: [Motif, number][], n: number): Map<Motif, number> {
  const total = motifs.reduce((s, [, w]) => s + w, 0);
  const raw = motifs.map(([m, w]) => ({ m, exact: (n * w) / total }));
  const quotas = new Map(raw.map(({ m, exact }) => [m, Math.floor(exact)]));
  let left = n - [...quotas.values()].reduce((a, b) => a + b, 0);
  for (const { m } of [...raw].sort((a, b) => (b.exact % 1) - (a.exact % 1))) {
    if (left-- <= 0) break;
    quotas.set(m, quotas.get(m)! + 1);
  }
  return quotas;
}

export function sampleScenarios(catalog: Catalog, options: SampleOptions): SampleResult {
  const view = buildSamplerView(catalog);
  return sampleFromView(view, options, graphHash(catalog.patterns, catalog.relations));
}

export function sampleFromView(view: SamplerView, options: SampleOptions, hash: string): SampleResult {
  const opts = resolveOptions(view, options);
  // walk attempts each draw from their own generator (see attemptSeed), so that a batch of them
  // can run inside Neo4j and give the same scenarios; the steered strategies share one stream
  const perAttempt = opts.strategy === 'walk';
  const shared = createRandom(opts.seed);
  const state = newRunState(view, opts);
  const run = new ScenarioCollector(opts, hash);
  const maxAttempts = run.maxAttempts;

  const quotas = opts.strategy === 'motif' ? motifQuotas(opts.motifs, opts.n) : undefined;
  const proposeMotif = quotas ? motifProposer(state) : undefined;
  const filled = new Map<Motif | null, number>();
  const nextMotif = (): Motif | undefined => {
    let best: Motif | undefined;
    let deficit = 0;
    for (const [m, q] of quotas!) {
      const have = filled.get(m) ?? 0;
      if (q - have > deficit) {
        deficit = q - have;
        best = m;
      }
    }
    return best;
  };

  // A motif that keeps missing is impossible in this graph under these options: stop and say so.
  const misses = new Map<Motif, number>();
  while (!run.done && run.attempts < maxAttempts) {
    const random = perAttempt ? createRandom(attemptSeed(opts.seed, run.attempts)) : shared;
    run.attempts++;
    let proposal: Proposal;
    if (opts.strategy === 'motif') {
      const motif = nextMotif();
      if (!motif) break;
      proposal = proposeMotif!(motif, random);
      const missed = 'failure' in proposal ? (misses.get(motif) ?? 0) + 1 : 0;
      misses.set(motif, missed);
      if (missed >= 5000) {
        throw new ConstraintError(
          `cannot fill the ${motif} quota: 5000 attempts in a row failed (last: ${'failure' in proposal ? proposal.failure : ''}); lower its share with --motifs or widen --size / --types`,
        );
      }
    } else if (opts.strategy === 'coverage') proposal = proposeCoverage(state, random);
    else if (opts.strategy === 'humanllm') proposal = proposeHumanllm(state, random);
    else proposal = proposeWalk(state, random);
    const accepted = run.offer(view, proposal, random);
    if (accepted === NO_CAST) {
      // coverage would propose the same least-used start again and again: move past it for now
      if (opts.strategy === 'coverage' && !opts.core.length)
        state.stuck.add((proposal as { nodes: number[] }).nodes[0]!);
      continue;
    }
    if (accepted <= 0) continue;
    if (quotas) {
      for (let i = run.scenarios.length - accepted; i < run.scenarios.length; i++) {
        const m = run.scenarios[i]!.motif;
        filled.set(m, (filled.get(m) ?? 0) + 1);
      }
    }
    // only the strategies that steer by use need the bookkeeping
    if (opts.strategy === 'coverage' || opts.strategy === 'humanllm')
      recordUse(state, (proposal as { nodes: number[] }).nodes);
  }

  let humanllm: SampleReport['humanllm'];
  if (opts.strategy === 'humanllm') {
    const h = state.humanllm;
    const kept = h.bundles - h.vetoed;
    const share = (x: number) => (kept ? Math.round((x / kept) * 1e4) / 1e4 : 0);
    humanllm = { ...h, connectedShare: share(h.connected), linkedShare: share(h.linked) };
  }
  return run.finish(humanllm);
}

/** `ScenarioCollector.offer`: the proposal had patterns, but no cast satisfies the rules. */
export const NO_CAST = -1;

/**
 * The acceptance half of a sampling run, shared by the in-memory sampler and the in-database
 * walk so that both reject, de-duplicate, count and report in exactly the same way: each attempt's
 * proposal is offered in attempt order; the run is done at n scenarios.
 */
export class ScenarioCollector {
  readonly scenarios: Scenario[] = [];
  readonly failures: Record<string, number> = {};
  duplicates = 0;
  /** Attempts made so far; the caller counts them (one per proposal, offered or not). */
  attempts = 0;
  /** No run makes more attempts than this. */
  readonly maxAttempts: number;
  private readonly seen = new Set<string>();

  constructor(
    private readonly opts: Pick<
      ResolvedOptions,
      | 'n'
      | 'avoidIds'
      | 'allowFewer'
      | 'twins'
      | 'characters'
      | 'situations'
      | 'crossSituations'
      | 'conflicts'
      | 'strategy'
      | 'seed'
    >,
    private readonly hash: string,
  ) {
    this.maxAttempts = opts.n * 50 + 2000;
  }

  get done(): boolean {
    return this.scenarios.length >= this.opts.n;
  }

  fail(why: string): void {
    this.failures[why] = (this.failures[why] ?? 0) + 1;
  }

  /**
   * Offers one attempt's proposal (node indices into `view`, which may be a view of just these
   * patterns); `random` continues the attempt's stream. Returns how many scenarios were accepted
   * (the last ones in `scenarios`), 0 when rejected, NO_CAST when no cast works.
   */
  offer(view: SamplerView, proposal: Proposal, random: Random): number {
    const opts = this.opts;
    if ('failure' in proposal) {
      this.fail(proposal.failure);
      return 0;
    }
    if (opts.twins === 'forbid' && hasTwins(view, proposal.nodes)) {
      this.fail('near-twins in one scenario (--twins forbid)');
      return 0;
    }
    const made = emit(view, opts, proposal.nodes, this.hash, random);
    if (!made) {
      this.fail('no valid cast: EXCLUDES, edge scopes, near-twins or the conflict mode leave no assignment');
      return NO_CAST;
    }
    let accepted = 0;
    for (const s of made) {
      if (this.scenarios.length >= opts.n) break;
      if (this.seen.has(s.id) || opts.avoidIds.has(s.id)) {
        this.duplicates++;
        continue;
      }
      this.seen.add(s.id);
      this.scenarios.push(s);
      accepted++;
    }
    if (!accepted) this.fail('duplicate');
    return accepted;
  }

  /** The report; throws ConstraintError (with it) when fewer than n were found and that is not allowed. */
  finish(humanllm?: SampleReport['humanllm']): SampleResult {
    const { scenarios, failures, attempts } = this;
    const report: SampleReport = {
      requested: this.opts.n,
      produced: scenarios.length,
      attempts,
      duplicates: this.duplicates,
      failures,
    };
    if (humanllm) report.humanllm = humanllm;
    if (scenarios.length < this.opts.n && !this.opts.allowFewer) {
      const reasons = Object.entries(failures)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([why, n]) => `${why} (${n}x)`)
        .join('; ');
      throw new ConstraintError(
        `found only ${scenarios.length} of ${this.opts.n} unique scenarios in ${attempts} attempts; ${reasons || 'no attempt succeeded'}`,
        report,
      );
    }
    return { scenarios, report };
  }
}

/** Whether two of the patterns are near-twins (a VARIANT_OF pair). */
function hasTwins(view: SamplerView, nodes: readonly number[]): boolean {
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      if (view.variants.has(pairKey(view, nodes[i]!, nodes[j]!))) return true;
    }
  }
  return false;
}

/** One scenario per situation (crossed) or one in a randomly chosen situation. */
export function emit(
  view: SamplerView,
  opts: Pick<
    ResolvedOptions,
    'characters' | 'situations' | 'crossSituations' | 'conflicts' | 'twins' | 'strategy' | 'seed'
  >,
  nodes: readonly number[],
  hash: string,
  random: Random,
): Scenario[] | undefined {
  const [cMin, cMax] = opts.characters;
  const top = Math.min(cMax, nodes.length);
  if (cMin > top) return undefined;
  const situation = opts.crossSituations
    ? opts.situations[0]!
    : opts.situations[randomInt(random, opts.situations.length)]!;
  let scenario: Scenario | undefined;
  const first = cMin + randomInt(random, top - cMin + 1);
  // Too few characters for the EXCLUDES pairs: try more, up to the allowed maximum.
  for (let c = first; c <= top && !scenario; c++) {
    scenario = assembleScenario(
      view,
      {
        nodes,
        situation,
        characters: c,
        conflicts: opts.conflicts,
        twins: opts.twins,
        strategy: opts.strategy,
        seed: opts.seed,
        graphHash: hash,
      },
      random,
    );
  }
  if (!scenario) return undefined;
  if (!opts.crossSituations) return [scenario];
  const cast = scenario.characters.map((c) => c.patterns);
  return opts.situations.map((s) => ({
    ...scenario!,
    situation: s,
    id: scenarioId(scenario!.patterns, s, cast),
  }));
}
