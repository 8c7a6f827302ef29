/**
 * Response shapes of the API. They document the routes (OpenAPI) and the tests parse real
 * responses with them, so the document cannot drift from what the server sends.
 */
import { z } from 'zod';
import {
  PatternSchema,
  RELATION_TYPES,
  TRAIT_VERDICTS,
  SCOPES,
  RelationSchema,
  ScenarioSchema,
  SituationSchema,
} from '../model/index.js';
import { named } from './registry.js';

const count = z.number().int().nonnegative();
const byType = <S extends z.ZodType>(value: S) =>
  z.strictObject({
    REINFORCES: value,
    CONFLICTS: value,
    MODULATES: value,
    EXCLUDES: value,
    VARIANT_OF: value,
  });

export const Pattern = named('Pattern', PatternSchema);
export const Relation = named('Relation', RelationSchema);
export const Situation = named('Situation', SituationSchema);
export const Scenario = named('Scenario', ScenarioSchema);

export const ErrorSchema = named(
  'Error',
  z.strictObject({
    error: z.strictObject({
      code: z.string().describe('invalid_input | not_found | unsatisfiable | store_unavailable | …'),
      message: z.string(),
      details: z.unknown().optional().describe('for invalid_input: {problems: [{file?, path, message}]}'),
    }),
  }),
);

export const HealthSchema = named(
  'Health',
  z.strictObject({ ok: z.literal(true), backend: z.enum(['memory', 'neo4j']) }),
);

export const StatsSchema = named(
  'Stats',
  z.strictObject({
    patterns: count,
    relations: count,
    byType: byType(count),
    situations: count,
    scenarios: count,
    graphHash: z.string(),
  }),
);

export const GraphNodeSchema = named(
  'GraphNode',
  z.strictObject({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['trait', 'social-cognitive']),
    family: z.string().describe('Big-Five dimension (traits) or category (social-cognitive)'),
    pole: z.enum(['+', '-']).optional(),
    aliases: z.array(z.string()),
    degree: count.describe('causal edges (REINFORCES, CONFLICTS, MODULATES) touching the pattern'),
  }),
);

export const GraphEdgeSchema = named(
  'GraphEdge',
  z.strictObject({
    id: z.string(),
    type: z.enum(RELATION_TYPES),
    source: z.string(),
    target: z.string(),
    strength: z.number(),
    scope: z.enum(SCOPES).optional().describe('causal edges: within one mind, between two people, or either'),
  }),
);

export const TraitPairSchema = named(
  'TraitPair',
  z.strictObject({
    a: z.string(),
    b: z.string().describe('a < b'),
    verdict: z
      .enum(TRAIT_VERDICTS)
      .describe(
        'EXCLUDES if the pair has one, else the strongest causal type (CONFLICTS, MODULATES, REINFORCES), else compatible',
      ),
    relations: z.array(z.string()).optional().describe('every relation between the two, sorted'),
    reason: z
      .string()
      .optional()
      .describe("the deciding relation's rationale, or the reviewed reason for a compatible call"),
  }),
);
export const TraitMatrixSchema = named('TraitMatrix', z.array(TraitPairSchema));

export const GraphSchema = named(
  'Graph',
  z.strictObject({ graphHash: z.string(), nodes: z.array(GraphNodeSchema), edges: z.array(GraphEdgeSchema) }),
);

export const PatternListSchema = named('PatternList', z.array(Pattern));
export const RelationListSchema = named('RelationList', z.array(Relation));
export const SituationListSchema = named('SituationList', z.array(Situation));
export const ScenarioListSchema = named('ScenarioList', z.array(Scenario));

const NeighbourSchema = named(
  'Neighbour',
  z.strictObject({
    direction: z.enum(['out', 'in', 'both']),
    relation: Relation,
    pattern: z.strictObject({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['trait', 'social-cognitive']),
    }),
  }),
);

export const NeighbourhoodSchema = named(
  'PatternNeighbourhood',
  z.strictObject({ pattern: Pattern, neighbours: byType(z.array(NeighbourSchema)) }),
);

export const SampleReportSchema = named(
  'SampleReport',
  z.strictObject({
    requested: count,
    produced: count,
    attempts: count,
    duplicates: count,
    failures: z.record(z.string(), count).describe('why attempts were rejected, with counts'),
    humanllm: z
      .strictObject({
        bundles: count,
        vetoed: count,
        connected: count,
        linked: count,
        connectedShare: z.number(),
        linkedShare: z.number(),
      })
      .optional(),
  }),
);

export const SampleResultSchema = named(
  'SampleResult',
  z.strictObject({ scenarios: z.array(Scenario), report: SampleReportSchema }),
);

export const ReceiptSchema = named(
  'Receipt',
  z.strictObject({
    encoding: z.string(),
    budget: z.number().int().nullable(),
    sections: z.record(z.string(), count).describe('tokens per section, in prompt order'),
    total: count,
    overBudget: z.boolean(),
    shortened: z.array(
      z.strictObject({
        pattern: z.string(),
        field: z.enum(['manifestations', 'mechanisms', 'definition']),
        to: z.enum(['dropped', 'first-sentence', 'name-only']),
      }),
    ),
    promptHash: z.string().describe('sha256 of the prompt text'),
  }),
);

const ChatMessageSchema = z.strictObject({ role: z.enum(['system', 'user']), content: z.string() });
const ShareGptRecordSchema = z.strictObject({
  system: z.string(),
  conversations: z.array(z.strictObject({ from: z.enum(['human', 'gpt']), value: z.string() })),
});

export const PromptResultSchema = named(
  'PromptResult',
  z.union([
    z
      .strictObject({ prompt: z.string(), receipt: ReceiptSchema, character: z.string().optional() })
      .describe('markdown; roleplay (with the character played)'),
    z.strictObject({ messages: z.array(ChatMessageSchema), receipt: ReceiptSchema }).describe('openai'),
    z
      .strictObject({
        records: z.array(ShareGptRecordSchema),
        receipt: ReceiptSchema,
        receipts: z.array(ReceiptSchema),
      })
      .describe(
        'sharegpt: one record per speaking character; receipts[i] is records[i]’s, receipt the first',
      ),
  ]),
);

export const SaveResultSchema = named(
  'SaveResult',
  z.strictObject({ saved: z.array(z.string()), existing: z.array(z.string()) }),
);
export const DeletedSchema = named('Deleted', z.strictObject({ deleted: z.literal(1) }));
export const OpenApiDocumentSchema = named(
  'OpenApiDocument',
  z.looseObject({ openapi: z.string(), info: z.unknown(), paths: z.unknown() }),
);
