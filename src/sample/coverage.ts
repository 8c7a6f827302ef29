/**
 * How evenly a batch of scenarios covers the graph: patterns, causal edges and motifs used,
 * the share covered, and the inequality of use (Gini coefficient: 0 = perfectly even).
 */
import { type Catalog, MOTIFS, type Scenario, isCausal } from '../model/index.js';

export interface CoverageReport {
  scenarios: number;
  patterns: { total: number; covered: number; share: number; maxUses: number; minUses: number; gini: number };
  edges: { total: number; covered: number; share: number; coveredAtLeast3: number; gini: number };
  motifs: Record<string, number>;
  situations: Record<string, number>;
  unusedPatterns: string[];
}

/** Gini coefficient of non-negative counts. */
export function gini(counts: readonly number[]): number {
  const n = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  if (!n || !total) return 0;
  const sorted = [...counts].sort((a, b) => a - b);
  let weighted = 0;
  sorted.forEach((c, i) => (weighted += (i + 1) * c));
  return Math.round(((2 * weighted) / (n * total) - (n + 1) / n) * 1e4) / 1e4;
}

const share = (a: number, b: number) => (b ? Math.round((a / b) * 1e4) / 1e4 : 0);

export function coverageReport(catalog: Catalog, scenarios: readonly Scenario[]): CoverageReport {
  const patternUses = new Map(catalog.patterns.map((p) => [p.id, 0]));
  const causal = catalog.relations.filter((r) => isCausal(r.type));
  const edgeUses = new Map(causal.map((r) => [r.id, 0]));
  const motifs: Record<string, number> = Object.fromEntries(MOTIFS.map((m) => [m, 0]));
  const situations: Record<string, number> = {};
  for (const s of scenarios) {
    for (const p of s.patterns) if (patternUses.has(p)) patternUses.set(p, patternUses.get(p)! + 1);
    for (const r of s.relations) if (edgeUses.has(r)) edgeUses.set(r, edgeUses.get(r)! + 1);
    const m = s.motif ?? 'none';
    motifs[m] = (motifs[m] ?? 0) + 1;
    situations[s.situation] = (situations[s.situation] ?? 0) + 1;
  }
  const pu = [...patternUses.values()];
  const eu = [...edgeUses.values()];
  const coveredPatterns = pu.filter((c) => c > 0).length;
  const coveredEdges = eu.filter((c) => c > 0).length;
  return {
    scenarios: scenarios.length,
    patterns: {
      total: pu.length,
      covered: coveredPatterns,
      share: share(coveredPatterns, pu.length),
      maxUses: pu.length ? Math.max(...pu) : 0,
      minUses: pu.length ? Math.min(...pu) : 0,
      gini: gini(pu),
    },
    edges: {
      total: eu.length,
      covered: coveredEdges,
      share: share(coveredEdges, eu.length),
      coveredAtLeast3: eu.filter((c) => c >= 3).length,
      gini: gini(eu),
    },
    motifs,
    situations,
    unusedPatterns: [...patternUses]
      .filter(([, c]) => c === 0)
      .map(([id]) => id)
      .sort(),
  };
}
