/**
 * From a pattern set to a Scenario draft: the causal edges among the patterns, the motif, the
 * cast, and a content id. Pure and deterministic given the random stream.
 */
import { type Motif, type Scenario, type Strategy, hash64 } from '../model/index.js';
import { type ConflictMode, type TwinMode, assignCharacters } from './characters.js';
import { classifyMotif } from './motif.js';
import type { Random } from './random.js';
import { type SamplerView, type ViewEdge, pairKey } from './view.js';

/** Every causal edge among the given patterns, in id order. */
export function edgesAmong(view: SamplerView, nodes: readonly number[]): ViewEdge[] {
  const out: ViewEdge[] = [];
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const edges = view.pairEdges.get(pairKey(view, nodes[i]!, nodes[j]!));
      if (edges) out.push(...edges);
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Whether the patterns form one connected piece through the given edges. */
export function isConnected(nodes: readonly number[], edges: readonly ViewEdge[]): boolean {
  if (nodes.length <= 1) return true;
  const seen = new Set([nodes[0]!]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of edges) {
      if (seen.has(e.source) !== seen.has(e.target)) {
        seen.add(e.source);
        seen.add(e.target);
        grew = true;
      }
    }
  }
  return nodes.every((n) => seen.has(n));
}

/**
 * The content id of a scenario: a hash of its canonical structure (pattern set, situation, and
 * the partition of patterns into characters with the protagonist first). Order-independent.
 */
export function scenarioId(
  patterns: readonly string[],
  situation: string,
  characters: readonly string[][],
): string {
  const [protagonist = [], ...supporting] = characters.map((c) => [...c].sort());
  return sortedScenarioId(
    [...patterns].sort(),
    situation,
    protagonist,
    supporting.sort((a, b) => (a.join(',') < b.join(',') ? -1 : 1)),
  );
}

/** scenarioId for parts already in canonical order (the sampler's hot path builds them so). */
function sortedScenarioId(
  patterns: readonly string[],
  situation: string,
  protagonist: readonly string[],
  supporting: readonly (readonly string[])[],
): string {
  // ids never contain "|" or ";" (kebab-case), so this text is an unambiguous canonical form
  let canonical = `${patterns.join(',')}|${situation}|${protagonist.join(',')}|`;
  for (let i = 0; i < supporting.length; i++) canonical += (i ? ';' : '') + supporting[i]!.join(',');
  return hash64(canonical);
}

export interface AssembleInput {
  nodes: readonly number[];
  situation: string;
  characters: number;
  conflicts: ConflictMode;
  /** Default `separate`: near-twins go to different characters. */
  twins?: TwinMode;
  strategy: Strategy;
  seed: number;
  graphHash: string;
}

export function assembleScenario(
  view: SamplerView,
  input: AssembleInput,
  random: Random,
): Scenario | undefined {
  const edges = edgesAmong(view, input.nodes);
  const assignment = assignCharacters(
    view,
    input.nodes,
    input.characters,
    input.conflicts,
    random,
    edges,
    input.twins,
  );
  if (!assignment) return undefined;
  const motif: Motif | null = classifyMotif(input.nodes, edges);
  // Pattern indices follow id order, so sorting indices sorts ids without comparing strings;
  // walking the sorted patterns once fills every character's list already in order.
  const order = [...input.nodes].sort((a, b) => a - b);
  const patterns = order.map((n) => view.ids[n]!);
  const cast: string[][] = Array.from({ length: assignment.characters }, () => []);
  for (let i = 0; i < order.length; i++) {
    cast[assignment.owner[input.nodes.indexOf(order[i]!)]!]!.push(patterns[i]!);
  }
  const protagonist = cast[0]!;
  const supporting = cast.slice(1);
  if (supporting.length > 1) supporting.sort((a, b) => (a.join(',') < b.join(',') ? -1 : 1));
  return {
    id: sortedScenarioId(patterns, input.situation, protagonist, supporting),
    patterns,
    relations: edges.map((e) => e.id), // edgesAmong returns them in id order
    motif,
    situation: input.situation,
    characters: [
      { role: 'protagonist', patterns: protagonist },
      ...supporting.map((p) => ({ role: 'supporting' as const, patterns: p })),
    ],
    strategy: input.strategy,
    seed: input.seed,
    graphHash: input.graphHash,
  };
}
