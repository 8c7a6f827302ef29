/**
 * The trait matrix as people and spreadsheets read it: verdict counts per dimension block
 * (extraversion × extraversion, extraversion × agreeableness, …) and a CSV of every pair.
 */
import {
  type Catalog,
  type CompatibleVerdict,
  DIMENSIONS,
  TRAIT_VERDICTS,
  type TraitPair,
  type TraitVerdict,
  buildTraitMatrix,
  isTrait,
} from '../model/index.js';

export interface TraitBlock {
  /** "extraversion" for a within-dimension block, "extraversion × openness" across two. */
  block: string;
  pairs: number;
  verdicts: Record<TraitVerdict, number>;
}

export function traitMatrix(catalog: Catalog, compatible: readonly CompatibleVerdict[]): TraitPair[] {
  return buildTraitMatrix(catalog.patterns, catalog.relations, compatible);
}

/** Verdict counts per dimension block, in the dimensions' reference order, then the total. */
export function traitBlocks(catalog: Catalog, pairs: readonly TraitPair[]): TraitBlock[] {
  const dimensionOf = new Map(catalog.patterns.filter(isTrait).map((t) => [t.id, t.dimension]));
  const order = (d: string) => (DIMENSIONS as readonly string[]).indexOf(d);
  const blocks = new Map<string, TraitBlock>();
  const empty = (block: string): TraitBlock => ({
    block,
    pairs: 0,
    verdicts: Object.fromEntries(TRAIT_VERDICTS.map((v) => [v, 0])) as Record<TraitVerdict, number>,
  });
  const total = empty('all');
  for (const p of pairs) {
    const [d1, d2] = [dimensionOf.get(p.a)!, dimensionOf.get(p.b)!].sort((x, y) => order(x) - order(y));
    const name = d1 === d2 ? d1! : `${d1} × ${d2}`;
    const block = blocks.get(name) ?? empty(name);
    blocks.set(name, block);
    for (const b of [block, total]) {
      b.pairs += 1;
      b.verdicts[p.verdict] += 1;
    }
  }
  const rank = (name: string) => {
    const [d1, d2 = d1] = name.split(' × ');
    return order(d1!) * 10 + order(d2!) + (d1 === d2 ? 0 : 0.5);
  };
  return [...[...blocks.values()].sort((x, y) => rank(x.block) - rank(y.block)), total];
}

const csvCell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** The matrix as CSV (RFC 4180 quoting): a, b, verdict, relations (";"-separated), reason. */
export function traitMatrixCsv(pairs: readonly TraitPair[]): string {
  const rows = [['a', 'b', 'verdict', 'relations', 'reason']];
  for (const p of pairs) rows.push([p.a, p.b, p.verdict, (p.relations ?? []).join(';'), p.reason ?? '']);
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
