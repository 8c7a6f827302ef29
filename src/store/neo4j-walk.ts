/**
 * The `walk` sampler run inside Neo4j, for graphs too big to load: one Cypher query per step,
 * each given the random number drawn in TypeScript from the seeded generator, never enumerating
 * variable-length paths. It follows exactly the rule of the in-memory walk (src/sample/grow.ts):
 * candidates in id order, weights the summed strengths (in hundredths) into the set, the first
 * candidate whose cumulative weight exceeds u × total. So for the same graph and seed it draws the
 * same scenarios as `sampleScenarios`, which the test suite checks against a real Neo4j.
 */
import {
  CAUSAL_TYPES,
  type CausalType,
  ConstraintError,
  InvalidInputError,
  type Scenario,
  field,
  fieldText,
} from '../model/index.js';
import type { ConflictMode, TwinMode } from '../sample/characters.js';
import { DIAMONDS } from '../sample/options.js';
import { createRandom, randomInt } from '../sample/random.js';
import { emit } from '../sample/sample.js';
import { patternFromDoc, relationFromDoc } from './neo4j-mapping.js';
import { buildSamplerView } from '../sample/view.js';
import type { Neo4jStore } from './neo4j-store.js';

export interface ServerWalkOptions {
  n: number;
  seed: number;
  size?: [number, number];
  types?: CausalType[];
  weighted?: boolean;
  situations?: string[];
  characters?: [number, number];
  conflicts?: ConflictMode;
  twins?: TwinMode;
}

const STEP = `
MATCH (cur:Pattern)-[r]-(nxt:Pattern)
WHERE cur.id IN $set AND type(r) IN $types AND NOT nxt.id IN $set
WITH nxt.id AS id, sum(CASE WHEN $weighted THEN toInteger(round(r.strength * 100)) ELSE 1 END) AS w
ORDER BY id
WITH collect(id) AS ids, collect(w) AS ws
WITH ids, ws, $u * reduce(t = 0, x IN ws | t + x) AS threshold
RETURN CASE WHEN size(ids) = 0 THEN null
  ELSE ids[coalesce(head([i IN range(0, size(ws) - 1)
    WHERE reduce(s = 0, j IN range(0, i) | s + ws[j]) > threshold]), size(ids) - 1)]
  END AS next`;

/** The patterns (with their relations and the situations) a drawn set needs to become a scenario. */
const INDUCED = `
MATCH (p:Pattern) WHERE p.id IN $set
OPTIONAL MATCH (p)-[r]->(q:Pattern) WHERE q.id IN $set
RETURN p.doc AS pattern, collect(r.doc) AS relations`;

export async function sampleWalkServerSide(
  store: Neo4jStore,
  options: ServerWalkOptions,
  graphHash: string,
): Promise<Scenario[]> {
  const [min, max] = options.size ?? [2, 5];
  if (min < 2 || max < min)
    throw new InvalidInputError(fieldText`${field('size')} must be a range with 2 <= min <= max`);
  const types = options.types ?? [...CAUSAL_TYPES];
  const weighted = options.weighted ?? true;
  const situations = options.situations ?? [...DIAMONDS];
  const known = new Set((await store.listSituations()).map((s) => s.id));
  for (const s of situations)
    if (!known.has(s))
      throw new InvalidInputError(fieldText`${field('situations')}: unknown situation "${s}"`);
  const total = Number((await store.query('MATCH (p:Pattern) RETURN count(p) AS n'))[0]?.n ?? 0);
  if (!total) throw new ConstraintError('the graph has no patterns');

  const random = createRandom(options.seed);
  const opts = {
    characters: options.characters ?? ([2, 2] as [number, number]),
    situations,
    crossSituations: false,
    conflicts: options.conflicts ?? ('any' as const),
    twins: options.twins ?? ('separate' as const),
    strategy: 'walk' as const,
    seed: options.seed,
  };
  const seen = new Set<string>();
  const out: Scenario[] = [];
  const catalogSituations = (await store.listSituations()).filter((s) => situations.includes(s.id));
  for (let attempts = 0; out.length < options.n; attempts++) {
    if (attempts > options.n * 50 + 2000) {
      throw new ConstraintError(
        `found only ${out.length} of ${options.n} unique scenarios in ${attempts} attempts`,
      );
    }
    const startRows = await store.query('MATCH (p:Pattern {idx: $i}) RETURN p.id AS id', {
      i: randomInt(random, total),
    });
    const set = [String(startRows[0]?.id)];
    const target = Math.max(1, min + randomInt(random, max - min + 1));
    while (set.length < target) {
      const rows = await store.query(STEP, { set, types, weighted, u: random() });
      const next = rows[0]?.next;
      if (typeof next !== 'string') break;
      set.push(next);
    }
    if (set.length < min) continue;

    // Assemble with the same code as the in-memory sampler, on a view of just these patterns.
    const rows = await store.query(INDUCED, { set });
    // read through the mapping layer, like every other read from Neo4j
    const patterns = rows.map((r) => patternFromDoc(r.pattern));
    const relations = rows.flatMap((r) => (r.relations as unknown[]).map((d) => relationFromDoc(d)));
    const view = buildSamplerView({ patterns, relations, situations: catalogSituations });
    const made = emit(
      view,
      { ...opts, situations },
      set.map((id) => view.indexOf.get(id)!),
      graphHash,
      random,
    );
    for (const s of made ?? []) {
      if (seen.has(s.id) || out.length >= options.n) continue;
      seen.add(s.id);
      out.push(s);
    }
  }
  return out;
}
