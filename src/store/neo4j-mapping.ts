/**
 * The one place where domain objects become Neo4j properties and back. Nested fields (mechanisms,
 * checklist, evidence) cannot be Neo4j properties, so each node or relationship keeps its full
 * object as canonical JSON in `doc`, next to flat, readable properties for querying and for
 * people browsing the graph in Neo4j Browser or Bloom. Reads come back through the zod schemas,
 * so nothing from the driver (Integer, Node, Record) leaks past the store.
 */
import {
  type Pattern,
  type PatternKind,
  PatternSchema,
  RELATION_TYPES,
  type RelationType,
  SCOPES,
  type Scope,
  type Relation,
  RelationSchema,
  type Scenario,
  ScenarioSchema,
  type Situation,
  SituationSchema,
  StoreDataError,
  canonicalJson,
  scopeOf,
  zodProblems,
} from '../model/index.js';
import { z } from 'zod';

export function patternRow(p: Pattern) {
  return {
    id: p.id,
    props: {
      id: p.id,
      name: p.name,
      kind: p.kind,
      dimension: p.kind === 'trait' ? p.dimension : null,
      pole: p.kind === 'trait' ? p.pole : null,
      category: p.kind === 'social-cognitive' ? p.category : null,
      definition: p.definition,
      aliases: p.aliases ?? [],
      search: [p.id, p.name, ...(p.aliases ?? [])].join('\n').toLowerCase(),
      doc: canonicalJson(p),
    },
  };
}

export function relationRow(r: Relation) {
  return {
    id: r.id,
    source: r.source,
    target: r.target,
    props: {
      id: r.id,
      strength: r.strength,
      rationale: r.rationale,
      evidenceStatus: r.evidence.status,
      provenance: r.provenance,
      condition: r.type === 'MODULATES' ? r.condition : null,
      effect: r.type === 'MODULATES' ? r.effect : null,
      scope: scopeOf(r) ?? null,
      link: r.type === 'VARIANT_OF' ? r.link : null,
      doc: canonicalJson(r),
    },
  };
}

export function situationRow(s: Situation) {
  return { id: s.id, props: { ...s } };
}

export function scenarioRow(s: Scenario) {
  return {
    id: s.id,
    props: {
      id: s.id,
      situation: s.situation,
      patterns: s.patterns,
      strategy: s.strategy,
      doc: canonicalJson(s),
    },
  };
}

/** Every read from Neo4j comes back through here; damaged data is a StoreDataError naming the record. */
function fromDoc<T>(doc: unknown, schema: z.ZodType<T>, what: string): T {
  if (typeof doc !== 'string') throw new StoreDataError(`Neo4j holds a ${what} without a doc property`);
  let value: unknown;
  try {
    value = JSON.parse(doc);
  } catch {
    throw new StoreDataError(`Neo4j holds a ${what} whose doc is not JSON: ${doc.slice(0, 60)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const id = (value as { id?: unknown } | null)?.id;
    throw new StoreDataError(
      `Neo4j holds an invalid ${what}${typeof id === 'string' ? ` "${id}"` : ''}`,
      zodProblems(parsed.error, `neo4j ${what}${typeof id === 'string' ? ` ${id}` : ''}`),
    );
  }
  return parsed.data;
}

export const patternFromDoc = (doc: unknown): Pattern => fromDoc(doc, PatternSchema, 'pattern');
export const relationFromDoc = (doc: unknown): Relation => fromDoc(doc, RelationSchema, 'relation');
export const scenarioFromDoc = (doc: unknown): Scenario => fromDoc(doc, ScenarioSchema, 'scenario');

export function situationFromProps(props: unknown): Situation {
  const parsed = SituationSchema.safeParse(props);
  if (!parsed.success) {
    throw new StoreDataError(
      'Neo4j holds an invalid situation',
      zodProblems(parsed.error, 'neo4j situation'),
    );
  }
  return parsed.data;
}

/**
 * The in-database walk reads a pattern's flat properties and its relationships' (written by
 * patternRow / relationRow above) instead of whole documents, to keep each growth step light.
 * They come back through this schema like every other read: damaged data is a StoreDataError
 * naming the pattern.
 */
const WalkEdgeSchema = z.tuple([
  z.string(),
  z.enum(RELATION_TYPES),
  z.boolean(),
  z.string(),
  z.enum(['trait', 'social-cognitive']),
  z.number().min(0).max(1),
  z.enum(SCOPES).nullable(),
]);
const WalkRowSchema = z.object({
  id: z.string(),
  kind: z.enum(['trait', 'social-cognitive']),
  edges: z.array(WalkEdgeSchema),
});

export interface WalkEdge {
  id: string;
  type: RelationType;
  outgoing: boolean;
  other: string;
  otherKind: PatternKind;
  strength: number;
  scope: Scope | null;
}

export function walkRowFromRecord(row: Record<string, unknown>): {
  id: string;
  kind: PatternKind;
  edges: WalkEdge[];
} {
  const parsed = WalkRowSchema.safeParse({
    id: row.id,
    kind: row.kind,
    edges: ((row.edges as unknown[] | null) ?? []).map((e) =>
      Array.isArray(e)
        ? e.map((v, i) => (i === 5 && v !== null && typeof v === 'object' ? Number(v) : v))
        : e,
    ),
  });
  if (!parsed.success) {
    const id = typeof row.id === 'string' ? ` "${row.id}"` : '';
    throw new StoreDataError(
      `Neo4j holds a pattern${id} whose properties or relationships do not validate`,
      zodProblems(parsed.error, `neo4j pattern${id}`),
    );
  }
  const { id, kind, edges } = parsed.data;
  return {
    id,
    kind,
    edges: edges.map(([eid, type, outgoing, other, otherKind, strength, scope]) => ({
      id: eid,
      type,
      outgoing,
      other,
      otherKind,
      strength,
      scope,
    })),
  };
}
