/**
 * The sample use case: `psygraph sample` and POST /api/sample. One schema holds the fields, their
 * limits and defaults; one function turns a parsed input into the sampler's options and runs it.
 * Rules that need the graph (unknown ids, impossible constraints) are the sampler's own
 * (src/sample/options.ts) and name the same fields.
 */
import { z } from 'zod';
import {
  CAUSAL_TYPES,
  type Catalog,
  IdSchema,
  InvalidInputError,
  MOTIFS,
  SAMPLE_STRATEGIES,
  fieldText,
  field,
} from '../model/index.js';
import { CONFLICT_MODES, TWIN_MODES } from '../sample/characters.js';
import { DIAMONDS, type IdLookup, type SampleOptions, expandSituations } from '../sample/options.js';
import { type SampleResult, sampleScenarios } from '../sample/sample.js';
import type { GraphStore } from '../store/graph-store.js';
import type { Neo4jStore } from '../store/neo4j-store.js';
import { type Limit, SAMPLE, SEED } from './limits.js';
import { complain } from './parse.js';
import { named } from './registry.js';

const int = ({ min, max }: Limit) => z.number().int().min(min).max(max);
const range = (limit: Limit, name: string) =>
  z.tuple([int(limit), int(limit)]).superRefine(([a, b], ctx) => {
    if (a > b) complain(ctx, [], fieldText`${field(name)} must be [min, max] with min <= max`);
  });

/** The fields of a sample request; `n`'s bound differs between one HTTP request and the CLI. */
function sampleShape(n: Limit) {
  return {
    n: int(n).describe(`how many scenarios (${n.min}-${n.max})`),
    seed: int(SEED)
      .default(SEED.default)
      .describe(`random seed (default ${SEED.default}): same seed + graph = same scenarios`),
    strategy: z
      .enum(SAMPLE_STRATEGIES)
      .default('walk')
      .describe(`${SAMPLE_STRATEGIES.join(' | ')} (default walk)`),
    size: range(SAMPLE.size, 'size')
      .optional()
      .describe(
        `patterns per scenario, [min, max] within ${SAMPLE.size.min}-${SAMPLE.size.max} (default [${SAMPLE.size.default.join(', ')}])`,
      ),
    types: z
      .array(z.enum(CAUSAL_TYPES))
      .min(1)
      .optional()
      .describe('relation types the walk follows (default all causal)'),
    weighted: z.boolean().default(true).describe('prefer stronger edges (default true)'),
    include: z.array(IdSchema).optional().describe('patterns every scenario must contain'),
    exclude: z.array(IdSchema).optional().describe('patterns no scenario may contain'),
    minTraits: int(SAMPLE.minTraits).optional().describe('at least this many traits'),
    minSocial: int(SAMPLE.minSocial).optional().describe('at least this many social-cognitive patterns'),
    require: z.array(z.enum(CAUSAL_TYPES)).optional().describe('relation types every scenario must contain'),
    situations: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('situation ids, or "diamonds", "life-domains", "all" (default the 8 DIAMONDS)'),
    crossSituations: z.boolean().optional().describe('emit each pattern set once in every listed situation'),
    characters: range(SAMPLE.characters, 'characters')
      .optional()
      .describe(
        `characters per scenario, [min, max] within ${SAMPLE.characters.min}-${SAMPLE.characters.max} (default [${SAMPLE.characters.default.join(', ')}])`,
      ),
    conflicts: z
      .enum(CONFLICT_MODES)
      .optional()
      .describe('CONFLICTS edges of scope "either": inner (one character) or split (two); default any'),
    twins: z
      .enum(TWIN_MODES)
      .optional()
      .describe('near-twins (VARIANT_OF): separate characters (default), forbid in one scenario, or allow'),
    motifs: z.partialRecord(z.enum(MOTIFS), z.number().min(0)).optional().describe('motif strategy shares'),
    allowFewer: z.boolean().optional().describe('return what was found instead of failing with 422'),
    inDatabase: z
      .boolean()
      .optional()
      .describe(
        'Neo4j store only: run the walk inside the database in batches instead of loading the graph (same scenarios; walk strategy, no include/require)',
      ),
  };
}

/** POST /api/sample's body. */
export const SampleRequestSchema = named('SampleRequest', z.strictObject(sampleShape(SAMPLE.n)));
/** `psygraph sample`'s flags, read as the same fields. */
export const SampleCliSchema = z.strictObject(sampleShape(SAMPLE.nCli));

export type SampleRequest = z.input<typeof SampleRequestSchema>;
export type SampleInput = z.output<typeof SampleCliSchema>;

/** The sampler's options for a parsed request: situation keywords expanded against the graph's. */
export function sampleOptions(
  known: Catalog['situations'],
  input: SampleInput,
  avoidIds?: IdLookup,
): SampleOptions {
  const { situations, size, characters, inDatabase: _where, ...rest } = input;
  return {
    ...rest,
    situations: expandSituations(known, situations ?? [...DIAMONDS]),
    ...(size ? { size: [size[0], size[1]] } : {}),
    ...(characters ? { characters: [characters[0], characters[1]] } : {}),
    ...(avoidIds ? { avoidIds } : {}),
  };
}

/**
 * Samples for a parsed request, from a snapshot of the graph, or (`inDatabase`) by the batched walk
 * inside Neo4j, which gives the same scenarios without loading the graph. `avoidIds` are scenario
 * ids already taken (e.g. saved ones).
 */
export async function runSample(
  store: GraphStore,
  input: SampleInput,
  avoidIds?: IdLookup,
): Promise<SampleResult> {
  if (!input.inDatabase) {
    const catalog = await store.snapshot();
    return sampleScenarios(catalog, sampleOptions(catalog.situations, input, avoidIds));
  }
  if (store.backend !== 'neo4j')
    throw new InvalidInputError(
      fieldText`${field('inDatabase')} needs the Neo4j store (the ${store.backend} store has no database to run in)`,
    );
  const neo4j = store as Neo4jStore;
  // loaded only here: nothing else a sample request does needs the module
  const { sampleInDatabase } = await import('../store/neo4j-walk.js');
  const options = sampleOptions(await neo4j.listSituations(), input, avoidIds);
  return sampleInDatabase(neo4j, options, await neo4j.contentHash());
}
