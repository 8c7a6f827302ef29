/**
 * The whole graph in the formats graph tools read: graphology JSON, GEXF (Gephi, Gephi Lite),
 * GraphML, and a Cypher script that rebuilds it in Neo4j. Every format also carries each
 * pattern's and relation's full object as JSON (`doc`), so an export can be read back losslessly.
 */
import { write as writeGexf } from 'graphology-gexf';
import {
  type Catalog,
  type Pattern,
  type PatternGraph,
  type Relation,
  buildGraph,
  patternFamily,
  scopeOf,
} from '../model/index.js';
import { patternRow, relationRow, situationRow } from '../store/neo4j-mapping.js';

export { EXPORT_FORMATS } from '../model/vocabulary.js';
import type { EXPORT_FORMATS } from '../model/vocabulary.js';
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Flat = Record<string, string | number>;

/** The readable columns a graph tool shows for a pattern (plus `doc`, the whole object). */
export function flatPattern(p: Pattern): Flat {
  return {
    label: p.name,
    kind: p.kind,
    family: patternFamily(p),
    pole: p.kind === 'trait' ? p.pole : '',
    definition: p.definition,
    aliases: (p.aliases ?? []).join('; '),
    doc: JSON.stringify(p),
  };
}

export function flatRelation(r: Relation): Flat {
  return {
    type: r.type,
    strength: r.strength,
    rationale: r.rationale,
    evidenceStatus: r.evidence.status,
    provenance: r.provenance,
    condition: r.type === 'MODULATES' ? r.condition : '',
    effect: r.type === 'MODULATES' ? r.effect : '',
    scope: scopeOf(r) ?? '',
    link: r.type === 'VARIANT_OF' ? r.link : '',
    doc: JSON.stringify(r),
  };
}

export function exportGraph(catalog: Catalog, format: ExportFormat): string {
  const graph = buildGraph(catalog.patterns, catalog.relations);
  switch (format) {
    case 'json':
      return JSON.stringify(graph.export(), null, 2);
    case 'gexf':
      return toGexf(graph);
    case 'graphml':
      return toGraphml(graph);
    case 'cypher':
      return toCypher(catalog);
  }
}

function toGexf(graph: PatternGraph): string {
  return writeGexf(graph, {
    pretty: true,
    version: '1.3',
    formatNode: (_key, p) => ({ label: p.name, attributes: flatPattern(p) }),
    formatEdge: (_key, r) => ({ label: r.type, weight: r.strength, attributes: flatRelation(r) }),
  });
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** GraphML has no writer in the graphology ecosystem (graphology-graphml only parses), so it is written here. */
function toGraphml(graph: PatternGraph): string {
  const keys = (target: 'node' | 'edge', sample: Flat) =>
    Object.entries(sample).map(
      ([name, v]) =>
        `  <key id="${target[0]}_${name}" for="${target}" attr.name="${name}" attr.type="${typeof v === 'number' ? 'double' : 'string'}"/>`,
    );
  const data = (target: 'node' | 'edge', flat: Flat) =>
    Object.entries(flat).map(
      ([name, v]) => `      <data key="${target[0]}_${name}">${xml(String(v))}</data>`,
    );
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
  ];
  const firstNode = graph.nodes()[0];
  const firstEdge = graph.edges()[0];
  if (firstNode) lines.push(...keys('node', flatPattern(graph.getNodeAttributes(firstNode))));
  if (firstEdge) lines.push(...keys('edge', flatRelation(graph.getEdgeAttributes(firstEdge))));
  lines.push('  <graph id="psygraph" edgedefault="directed">');
  graph.forEachNode((id, p) => {
    lines.push(`    <node id="${xml(id)}">`, ...data('node', flatPattern(p)), '    </node>');
  });
  graph.forEachEdge((id, r, source, target) => {
    lines.push(
      `    <edge id="${xml(id)}" source="${xml(source)}" target="${xml(target)}">`,
      ...data('edge', flatRelation(r)),
      '    </edge>',
    );
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

/** A Cypher literal: strings single-quoted with escapes, lists and maps recursively. */
function cypherLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string')
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(value)) return `[${value.map(cypherLiteral).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `\`${k}\`: ${cypherLiteral(v)}`,
  );
  return `{${entries.join(', ')}}`;
}

/**
 * A script that rebuilds the graph in the same shape Neo4jStore writes, so psygraph can read an
 * imported script back. Run it with cypher-shell or paste it into Neo4j Browser.
 */
function toCypher(catalog: Catalog): string {
  const lines = [
    '// psygraph graph export. Apply graph/schema.cypher first for constraints and indexes.',
    ...catalog.situations.map(
      (s) =>
        `MERGE (s:Situation {id: ${cypherLiteral(s.id)}}) SET s = ${cypherLiteral(situationRow(s).props)};`,
    ),
    ...catalog.patterns.map(
      (p) => `MERGE (p:Pattern {id: ${cypherLiteral(p.id)}}) SET p = ${cypherLiteral(patternRow(p).props)};`,
    ),
    ...catalog.relations.map((r) => {
      const row = relationRow(r);
      return (
        `MATCH (a:Pattern {id: ${cypherLiteral(r.source)}}), (b:Pattern {id: ${cypherLiteral(r.target)}}) ` +
        `MERGE (a)-[r:${r.type} {id: ${cypherLiteral(r.id)}}]->(b) SET r = ${cypherLiteral(row.props)};`
      );
    }),
    'MATCH (p:Pattern) WITH p ORDER BY p.id WITH collect(p) AS ps UNWIND range(0, size(ps) - 1) AS i WITH ps[i] AS p, i SET p.idx = i;',
    '',
  ];
  return lines.join('\n');
}
