import { describe, expect, it } from 'vitest';
import {
  addCounts,
  bucketOf,
  bucketValue,
  quantile,
  RELATIVE_ERROR,
  SMALLEST,
  type BucketCounts,
} from '../../functions/records/log-histogram';

/** A seeded generator (mulberry32): the same draws on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The exact nearest-rank quantile: the value of rank ⌈q·n⌉. */
function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

function histogram(values: number[]): BucketCounts {
  const counts: BucketCounts = {};
  for (const value of values) addCounts(counts, { [bucketOf(value)]: 1 });
  return counts;
}

const LEVELS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

describe('log-bucket histogram', () => {
  it('answers each bucket with a value within the relative error of every value it holds', () => {
    const next = random(1);
    for (let i = 0; i < 10_000; i++) {
      const value = Math.exp((next() - 0.5) * 30) * (next() < 0.3 ? -1 : 1);
      if (Math.abs(value) < SMALLEST) continue;
      const answer = bucketValue(bucketOf(value));
      expect(Math.abs(answer - value) / Math.abs(value)).toBeLessThanOrEqual(RELATIVE_ERROR + 1e-12);
    }
  });

  it.each([
    [
      'log-normal latencies (ms)',
      (next: () => number) => Math.exp(2 + 0.8 * Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next())),
    ],
    ['uniform scores in [0, 1)', (next: () => number) => next()],
    ['regression values of both signs', (next: () => number) => (next() - 0.4) * 1_000],
    ['a long tail', (next: () => number) => 1 / (next() + 1e-4)],
  ])('gives quantiles within 2 %% of the exact ones: %s', (_name, draw) => {
    for (const [seed, n] of [
      [2, 7],
      [3, 100],
      [4, 5_000],
    ] as const) {
      const next = random(seed);
      const values = Array.from({ length: n }, () => draw(next));
      const counts = histogram(values);
      for (const q of LEVELS) {
        const truth = exact(values, q);
        const estimate = quantile(counts, q)!;
        const tolerance = Math.max(Math.abs(truth) * RELATIVE_ERROR, SMALLEST) * (1 + 1e-9);
        expect(Math.abs(estimate - truth), `q=${q} n=${n}`).toBeLessThanOrEqual(tolerance);
      }
    }
  });

  it('keeps that bound after histograms of parts are added up (hours into days)', () => {
    const next = random(5);
    const parts = Array.from({ length: 24 }, (_, hour) => Array.from({ length: 50 + hour * 10 }, () => (hour + 1) * next() * 10));
    const merged: BucketCounts = {};
    for (const part of parts) addCounts(merged, histogram(part));
    const all = parts.flat();
    for (const q of LEVELS) {
      const truth = exact(all, q);
      expect(Math.abs(quantile(merged, q)! - truth)).toBeLessThanOrEqual(truth * RELATIVE_ERROR * (1 + 1e-9));
    }
  });

  it('counts magnitudes under the smallest as 0, and has nothing to say of an empty histogram', () => {
    expect(bucketOf(0)).toBe('0');
    expect(bucketOf(SMALLEST / 2)).toBe('0');
    expect(bucketValue('0')).toBe(0);
    expect(quantile({}, 0.5)).toBeUndefined();
    expect(quantile({ '0': 3, [bucketOf(10)]: 1 }, 0.5)).toBe(0);
  });
});
