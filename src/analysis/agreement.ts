/**
 * Agreement statistics for judge calibration, pure functions over plain arrays: Pearson's r,
 * Cohen's κ (two raters, nominal), Krippendorff's α (any number of raters, missing values,
 * nominal / ordinal / interval), and a seeded percentile bootstrap over units for a 95% interval.
 * Every figure travels with its n, and a statistic that is undefined on its data is NaN, never 0.
 */
import { createRandom, randomInt } from '../sample/random.js';

/** A figure with the number of units (pairs, items, samples) it rests on. */
export interface Figure {
  value: number;
  n: number;
}

export interface Interval extends Figure {
  /** Percentile bootstrap bounds (NaN when the statistic is undefined on too many resamples). */
  lo: number;
  hi: number;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Pearson's product-moment correlation; NaN for fewer than two pairs or a constant series. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new RangeError('pearson: the two series differ in length');
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = sum(xs) / n;
  const my = sum(ys) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/**
 * Cohen's κ for two raters over the same units (nominal categories): (po − pe) / (1 − pe).
 * When both raters use one and the same category throughout, pe = 1 and κ is undefined (NaN).
 */
export function cohenKappa<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length !== b.length) throw new RangeError('cohenKappa: the two raters differ in length');
  const n = a.length;
  if (!n) return NaN;
  const ca = new Map<T, number>();
  const cb = new Map<T, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) agree++;
    ca.set(a[i]!, (ca.get(a[i]!) ?? 0) + 1);
    cb.set(b[i]!, (cb.get(b[i]!) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [k, na] of ca) pe += (na / n) * ((cb.get(k) ?? 0) / n);
  return pe === 1 ? NaN : (po - pe) / (1 - pe);
}

export type AlphaLevel = 'nominal' | 'ordinal' | 'interval';

/**
 * Krippendorff's α from reliability data: `units[u]` holds the values the raters gave unit u
 * (null or undefined for a rater who gave none). Units with fewer than two values are not
 * pairable and drop out. α = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck over the coincidence
 * matrix o; δ² is 0/1 (nominal), (c − k)² (interval) or the squared rank distance over the
 * pooled frequencies (ordinal). NaN when there is no pairable value or no variation at all.
 */
export function krippendorffAlpha(
  units: readonly (readonly (number | null | undefined)[])[],
  level: AlphaLevel,
): Figure {
  const values = new Set<number>();
  const pairable = units
    .map((u) => u.filter((v): v is number => v !== null && v !== undefined))
    .filter((u) => u.length >= 2);
  for (const u of pairable) for (const v of u) values.add(v);
  const cats = [...values].sort((x, y) => x - y);
  const index = new Map(cats.map((c, i) => [c, i]));
  const V = cats.length;
  const o = Array.from({ length: V }, () => new Array<number>(V).fill(0));
  for (const u of pairable) {
    const m = u.length;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) if (i !== j) o[index.get(u[i]!)!]![index.get(u[j]!)!]! += 1 / (m - 1);
  }
  const nc = o.map((row) => sum(row));
  const n = sum(nc);
  const delta2 = (c: number, k: number): number => {
    if (level === 'nominal') return c === k ? 0 : 1;
    if (level === 'interval') return (cats[c]! - cats[k]!) ** 2;
    const [lo, hi] = c < k ? [c, k] : [k, c];
    let between = 0;
    for (let g = lo; g <= hi; g++) between += nc[g]!;
    return (between - (nc[c]! + nc[k]!) / 2) ** 2;
  };
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < V; c++)
    for (let k = 0; k < V; k++) {
      const d = delta2(c, k);
      observed += o[c]![k]! * d;
      expected += nc[c]! * nc[k]! * d;
    }
  const value = n && expected ? 1 - ((n - 1) * observed) / expected : NaN;
  return { value, n: pairable.length };
}

/**
 * A percentile bootstrap: resample the units with replacement `resamples` times (seeded, so the
 * interval is reproducible), compute the statistic on each, and take the 2.5th and 97.5th
 * percentiles of the defined (non-NaN) results.
 */
export function bootstrap<U>(
  units: readonly U[],
  statistic: (sample: readonly U[]) => number,
  options: { seed: number; resamples?: number; level?: number },
): Interval {
  const value = statistic(units);
  const n = units.length;
  const B = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  if (!n || Number.isNaN(value)) return { value, n, lo: NaN, hi: NaN };
  const random = createRandom(options.seed);
  const stats: number[] = [];
  const sample = new Array<U>(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) sample[i] = units[randomInt(random, n)]!;
    const s = statistic(sample);
    if (!Number.isNaN(s)) stats.push(s);
  }
  // an interval from fewer than half the resamples would hide how unstable the figure is
  if (stats.length < B / 2) return { value, n, lo: NaN, hi: NaN };
  stats.sort((x, y) => x - y);
  const at = (q: number) => {
    const pos = q * (stats.length - 1);
    const i = Math.floor(pos);
    return stats[i]! + (stats[Math.min(i + 1, stats.length - 1)]! - stats[i]!) * (pos - i);
  };
  return { value, n, lo: at((1 - level) / 2), hi: at(1 - (1 - level) / 2) };
}
