import { parse as parseGexf } from 'graphology-gexf';
import { parse as parseGraphml } from 'graphology-graphml';
import { MultiDirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../src/analysis/analyze.js';
import { exportGraph } from '../src/analysis/export.js';
import { splitCypherStatements } from '../src/store/cypher-script.js';
import { type LintRule, lintGraph } from '../src/analysis/lint.js';
import {
  type Catalog,
  type Pattern,
  PatternSchema,
  type Relation,
  RelationSchema,
  graphHash,
} from '../src/model/index.js';
import { makePattern, makeRelation, miniCatalog } from './helpers/catalog.js';

/** The mini catalog grown until it passes every lint error rule. */
function cleanCatalog(): Catalog {
  const c = miniCatalog();
  c.patterns.push(makePattern('shy', { kind: 'trait', dimension: 'extraversion', pole: '-' }));
  const extra: Relation[] = [
    makeRelation('REINFORCES', 'quiet', 'spotlight-effect'),
    makeRelation('REINFORCES', 'talkative', 'spotlight-effect', 0.2),
    makeRelation('CONFLICTS', 'insecure', 'talkative'),
    makeRelation('CONFLICTS', 'loss-aversion', 'quiet'),
    makeRelation('MODULATES', 'loss-aversion', 'insecure'),
    makeRelation('MODULATES', 'quiet', 'loss-aversion'),
    makeRelation('CONFLICTS', 'conformity', 'spotlight-effect'),
    makeRelation('REINFORCES', 'shy', 'spotlight-effect'),
    makeRelation('REINFORCES', 'shy', 'quiet'),
    makeRelation('CONFLICTS', 'shy', 'talkative'),
    makeRelation('MODULATES', 'spotlight-effect', 'shy'),
    makeRelation('EXCLUDES', 'insecure', 'shy'),
    makeRelation('MODULATES', 'insecure', 'loss-aversion'),
    makeRelation('REINFORCES', 'insecure', 'loss-aversion'),
  ];
  c.relations.push(...extra);
  return c;
}

const rules = (items: { rule: LintRule }[]) => [...new Set(items.map((i) => i.rule))].sort();

describe('psygraph lint', () => {
  it('finds no errors in a well-connected graph', () => {
    expect(lintGraph(cleanCatalog()).errors.map((e) => e.message)).toEqual([]);
  });

  it('reports REINFORCES and EXCLUDES on the same pair as contradictory', () => {
    const c = cleanCatalog();
    c.relations.push(makeRelation('REINFORCES', 'quiet', 'talkative'));
    const errors = lintGraph(c).errors;
    expect(errors).toEqual([
      expect.objectContaining({
        rule: 'contradictory-pair',
        patterns: ['quiet', 'talkative'],
        relations: ['quiet--EXCLUDES--talkative', 'quiet--REINFORCES--talkative'],
      }),
    ]);
  });

  it('reports REINFORCES and CONFLICTS on the same pair as contradictory', () => {
    const c = cleanCatalog();
    c.relations.push(makeRelation('REINFORCES', 'talkative', 'insecure'));
    expect(rules(lintGraph(c).errors)).toEqual(['contradictory-pair']);
  });

  it('reports patterns with too few causal edges, or none of a needed kind', () => {
    const c = cleanCatalog();
    c.relations = c.relations.filter((r) => r.source !== 'shy' && r.target !== 'shy');
    const errors = lintGraph(c).errors;
    expect(errors.map((e) => e.message)).toContain(
      'shy: 0 causal edges (needs 4), no REINFORCES, no CONFLICTS or MODULATES',
    );
    expect(errors.map((e) => e.message)).toContain('shy: no EXCLUDES partner');
  });

  it('reports a modulator whose condition names an unknown situation', () => {
    const c = cleanCatalog();
    c.relations.push(
      makeRelation('MODULATES', 'conformity', 'quiet', 0.4, {
        condition: 'At a party (sociality, adversity).',
      }),
    );
    const errors = lintGraph(c).errors;
    expect(errors).toEqual([
      expect.objectContaining({ rule: 'unknown-situation', message: expect.stringContaining('"sociality"') }),
    ]);
  });

  it('lists unbalanced signed triangles for review without failing', () => {
    const c = cleanCatalog();
    // insecure -> spotlight-effect (+), spotlight-effect ? conformity (-), insecure -> conformity (+): one conflict.
    const report = lintGraph(c);
    expect(
      report.review.filter((r) => r.rule === 'unbalanced-triangle').map((r) => r.patterns),
    ).toContainEqual(['conformity', 'insecure', 'spotlight-effect']);
  });

  it('lists near-duplicate patterns for review, noting whether they are told apart', () => {
    const c = cleanCatalog();
    c.patterns.push(makePattern('quiet effect', { kind: 'social-cognitive', category: 'cognitive-bias' }));
    const dupes = lintGraph(c).review.filter((r) => r.rule === 'near-duplicate');
    expect(dupes).toEqual([
      expect.objectContaining({
        patterns: ['quiet', 'quiet-effect'],
        message: expect.stringContaining('add distinctFrom'),
      }),
    ]);
  });
});

describe('psygraph analyze', () => {
  it('reports degree, type mix, communities and cross-kind counts', () => {
    const c = cleanCatalog();
    const a = analyzeGraph(c);
    const causal = c.relations.filter((r) => r.type !== 'EXCLUDES');
    expect(a.summary.causalEdges).toBe(causal.length);
    expect(a.summary.byType.REINFORCES + a.summary.byType.CONFLICTS + a.summary.byType.MODULATES).toBe(
      causal.length,
    );
    const cross = Object.values(a.summary.crossKind).flatMap((t) => Object.values(t));
    expect(cross.reduce((x, y) => x + y, 0)).toBe(causal.length);
    const shy = a.patterns.find((p) => p.id === 'shy')!;
    expect(shy.degree).toEqual({ in: 1, out: 3, total: 4 });
    expect(shy.byType).toEqual({ REINFORCES: 2, CONFLICTS: 1, MODULATES: 1, EXCLUDES: 1, VARIANT_OF: 0 });
    expect(a.communities.reduce((n, x) => n + x.size, 0)).toBe(c.patterns.length);
    expect(a.top.reinforcing[0]?.id).toBe('insecure');
  });

  it('is deterministic for a seed', () => {
    expect(analyzeGraph(cleanCatalog(), { seed: 7 })).toEqual(analyzeGraph(cleanCatalog(), { seed: 7 }));
  });
});

describe('psygraph export', () => {
  const catalog = cleanCatalog();
  const expected = graphHash(catalog.patterns, catalog.relations);

  /** Rebuilds the catalog from a parsed graph's `doc` attributes and hashes it. */
  function hashOfDocs(nodes: unknown[], edges: unknown[]): string {
    const patterns = nodes.map((d) => PatternSchema.parse(typeof d === 'string' ? JSON.parse(d) : d));
    const relations = edges.map((d) => RelationSchema.parse(typeof d === 'string' ? JSON.parse(d) : d));
    return graphHash(patterns as Pattern[], relations as Relation[]);
  }

  it('round-trips graphology JSON', () => {
    const g = MultiDirectedGraph.from(JSON.parse(exportGraph(catalog, 'json')));
    expect(g.order).toBe(catalog.patterns.length);
    expect(
      hashOfDocs(
        g.mapNodes((_, a) => a),
        g.mapEdges((_, a) => a),
      ),
    ).toBe(expected);
  });

  it('round-trips GEXF through graphology-gexf', () => {
    const g = parseGexf(MultiDirectedGraph, exportGraph(catalog, 'gexf'));
    expect(g.size).toBe(catalog.relations.length);
    expect(g.getNodeAttribute('talkative', 'label')).toBe('talkative');
    expect(
      hashOfDocs(
        g.mapNodes((_, a) => a.doc),
        g.mapEdges((_, a) => a.doc),
      ),
    ).toBe(expected);
  });

  it('round-trips GraphML through graphology-graphml', () => {
    const g = parseGraphml(MultiDirectedGraph, exportGraph(catalog, 'graphml'));
    expect(g.order).toBe(catalog.patterns.length);
    expect(g.getEdgeAttribute('quiet--EXCLUDES--talkative', 'type')).toBe('EXCLUDES');
    expect(
      hashOfDocs(
        g.mapNodes((_, a) => a.doc),
        g.mapEdges((_, a) => a.doc),
      ),
    ).toBe(expected);
  });

  it('writes a Cypher script with one statement per item, escaping quotes', () => {
    const c = cleanCatalog();
    c.patterns[0] = { ...c.patterns[0]!, definition: "It's a \\ test\nwith 'quotes'." };
    const script = exportGraph(c, 'cypher');
    expect(script).toContain("It\\'s a \\\\ test\\nwith \\'quotes\\'.");
    const statements = splitCypherStatements(script);
    expect(statements.length).toBe(c.situations.length + c.patterns.length + c.relations.length + 1);
  });
});
