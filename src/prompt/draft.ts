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
  field,
  fieldText,
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

/** 2 first (the usual scene), then 1, then more, up to one character per pattern. */
function defaultCastSizes(patterns: number): number[] {
  const sizes = [Math.min(2, patterns), 1];
  for (let c = 3; c <= patterns; c++) sizes.push(c);
  return [...new Set(sizes)];
}

export function draftScenario(catalog: Catalog, request: DraftRequest): Scenario {
  const view = buildSamplerView(catalog);
  const ids = [...new Set(request.patterns)];
  if (!ids.length) throw new InvalidInputError(fieldText`${field('patterns')}: give at least one pattern id`);
  const nodes = ids.map((id) => {
    const node = view.indexOf.get(id);
    if (node === undefined)
      throw new InvalidInputError(fieldText`${field('patterns')}: unknown pattern "${id}"`);
    return node;
  });
  if (!view.situations.includes(request.situation))
    throw new InvalidInputError(fieldText`${field('situation')}: unknown situation "${request.situation}"`);
  if (request.characters !== undefined && request.characters > ids.length) {
    throw new ConstraintError(
      fieldText`${field('characters')} ${request.characters}: every character needs a pattern, and ${field('patterns')} gives ${ids.length}`,
    );
  }
  const seed = request.seed ?? 1;
  const hash = graphHash(catalog.patterns, catalog.relations);
  const cast = (characters: number) =>
    assembleScenario(
      view,
      {
        nodes,
        situation: request.situation,
        characters,
        conflicts: request.conflicts ?? 'any',
        strategy: 'manual',
        seed,
        graphHash: hash,
      },
      createRandom(seed),
    );
  // Without --characters: two characters where the edges allow, else as many as they need
  // (a `within` edge keeps its pair in one character; EXCLUDES and `between` edges split them).
  const tries = request.characters !== undefined ? [request.characters] : defaultCastSizes(ids.length);
  let scenario: Scenario | undefined;
  for (const characters of tries) if (!scenario) scenario = cast(characters);
  if (!scenario) {
    throw new ConstraintError(
      fieldText`${field('characters')} ${tries.join(' or ')}: no cast keeps EXCLUDES pairs and between-person edges across characters and within-one-mind edges inside one; change the number of characters`,
    );
  }
  return scenario;
}
