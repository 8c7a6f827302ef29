/**
 * Agreement statistics against worked examples whose values are known.
 */
import { describe, expect, it } from 'vitest';
import { bootstrap, cohenKappa, krippendorffAlpha, pearson } from '../src/analysis/agreement.js';

describe('Pearson r', () => {
  it('matches a hand computation', () => {
    // x = 1..5, y = 2 4 5 4 5: means 3 and 4; Σdxdy = 4+0+0+0+2 = 6, Σdx² = 10, Σdy² = 6,
    // r = 6 / √60 = 0.774597
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(0.774597, 6);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });
  it('is undefined (NaN) for a constant series or fewer than two pairs', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(pearson([1], [2])).toBeNaN();
  });
});

describe("Cohen's kappa", () => {
  it('matches the 2×2 example computed by hand', () => {
    // 50 units: both yes 20, A yes / B no 5, A no / B yes 10, both no 15.
    // po = 35/50 = 0.7; A says yes 25/50, B says yes 30/50: pe = 0.5·0.6 + 0.5·0.4 = 0.5;
    // κ = (0.7 − 0.5) / (1 − 0.5) = 0.4
    const a = [...Array(20).fill('y'), ...Array(5).fill('y'), ...Array(10).fill('n'), ...Array(15).fill('n')];
    const b = [...Array(20).fill('y'), ...Array(5).fill('n'), ...Array(10).fill('y'), ...Array(15).fill('n')];
    expect(cohenKappa(a, b)).toBeCloseTo(0.4, 12);
  });
  it('is 1 for perfect agreement, and 0 when agreement is exactly what chance predicts', () => {
    expect(cohenKappa([1, 0, -1, 1], [1, 0, -1, 1])).toBe(1);
    // po = 0.5; marginals 0.5/0.5 each: pe = 0.5 → κ = 0
    expect(cohenKappa([1, 1, 0, 0], [1, 0, 1, 0])).toBe(0);
    expect(cohenKappa([1, 1], [1, 1])).toBeNaN();
  });
});

describe("Krippendorff's alpha", () => {
  // The reliability data of Krippendorff's "Computing Krippendorff's Alpha-Reliability" (2011):
  // 4 observers, 12 units, values 1–5, missing values as null. That paper gives
  // α nominal = 0.743, α ordinal = 0.815, α interval = 0.849.
  const A = [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null];
  const B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3];
  const C = [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null];
  const D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null];
  const units = A.map((_, u) => [A[u], B[u], C[u], D[u]]);

  it('matches the published nominal, ordinal and interval values', () => {
    expect(krippendorffAlpha(units, 'nominal').value).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(units, 'ordinal').value).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(units, 'interval').value).toBeCloseTo(0.849, 3);
    // unit 12 has a single value: not pairable
    expect(krippendorffAlpha(units, 'nominal').n).toBe(11);
  });
  it('agrees with Cohen-style hand computation on two raters, two categories', () => {
    // 4 units (a, b): (1,1) (1,0) (0,0) (0,0): coincidences o11 = 2, o10 = o01 = 1, o00 = 4;
    // n1 = 3, n0 = 5, n = 8; α = 1 − (n−1)·Σo δ / Σ n_c n_k δ = 1 − 7·2 / (2·3·5) = 1 − 14/30
    expect(
      krippendorffAlpha(
        [
          [1, 1],
          [1, 0],
          [0, 0],
          [0, 0],
        ],
        'nominal',
      ).value,
    ).toBeCloseTo(1 - 14 / 30, 12);
  });
  it('is NaN without variation or pairable units', () => {
    expect(
      krippendorffAlpha(
        [
          [1, 1],
          [1, 1],
        ],
        'nominal',
      ).value,
    ).toBeNaN();
    expect(krippendorffAlpha([[1, null]], 'nominal').value).toBeNaN();
  });
});

describe('bootstrap', () => {
  it('is seeded: the same seed gives the same interval, and the interval holds the estimate', () => {
    const pairs = Array.from({ length: 40 }, (_, i) => [i % 7, (i % 7) + ((i * 13) % 3)] as const);
    const r = (s: readonly (readonly [number, number])[]) =>
      pearson(
        s.map((p) => p[0]),
        s.map((p) => p[1]),
      );
    const one = bootstrap(pairs, r, { seed: 3 });
    const two = bootstrap(pairs, r, { seed: 3 });
    expect(one).toEqual(two);
    expect(one.n).toBe(40);
    expect(one.lo).toBeLessThanOrEqual(one.value);
    expect(one.hi).toBeGreaterThanOrEqual(one.value);
    expect(one.hi - one.lo).toBeGreaterThan(0);
    expect(bootstrap(pairs, r, { seed: 4 })).not.toEqual(one);
  });
});
