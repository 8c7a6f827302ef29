/**
 * A scenario draft from a pattern list, built by the sampler's own assembly (edges among the
 * patterns, motif, cast with EXCLUDES pairs kept apart), so a hand-picked set is described exactly
 * as a sampled one would be.
 */
import {
  type Catalog,
  ConstraintError,
  InvalidInputError,
  type Scenario,
  graphHash,
} from '../model/index.js';
import { assembleScenario } from '../sample/assemble.js';
import type { ConflictMode } from '../sample/characters.js';
import { createRandom } from '../sample/random.js';
import { buildSamplerView } from '../sample/view.js';

export interface DraftRequest {
  patterns: readonly string[];
  situation: string;
  /** Default: 2, or 1 for a single pattern. */
  characters?: number;
  conflicts?: ConflictMode;
  seed?: number;
}

export function draftScenario(catalog: Catalog, request: DraftRequest): Scenario {
  const view = buildSamplerView(catalog);
  const ids = [...new Set(request.patterns)];
  if (!ids.length) throw new InvalidInputError('--patterns: give at least one pattern id');
  const nodes = ids.map((id) => {
    const node = view.indexOf.get(id);
    if (node === undefined) throw new InvalidInputError(`--patterns: unknown pattern "${id}"`);
    return node;
  });
  if (!view.situations.includes(request.situation))
    throw new InvalidInputError(`--situation: unknown situation "${request.situation}"`);
  const characters = request.characters ?? Math.min(2, ids.length);
  if (characters > ids.length) {
    throw new ConstraintError(
      `--characters ${characters}: every character needs a pattern, and --patterns gives ${ids.length}`,
    );
  }
  const seed = request.seed ?? 1;
  const scenario = assembleScenario(
    view,
    {
      nodes,
      situation: request.situation,
      characters,
      conflicts: request.conflicts ?? 'any',
      strategy: 'manual',
      seed,
      graphHash: graphHash(catalog.patterns, catalog.relations),
    },
    createRandom(seed),
  );
  if (!scenario) {
    throw new ConstraintError(
      `--characters ${characters}: no cast keeps every EXCLUDES pair of these patterns apart; allow more characters`,
    );
  }
  return scenario;
}
