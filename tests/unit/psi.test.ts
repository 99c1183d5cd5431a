import { describe, expect, it } from 'vitest';
import { chiSquareQuantile } from '../../functions/monitoring/chi-square';
import { psi, psiThreshold } from '../../functions/monitoring/psi';

describe('χ² quantiles', () => {
  it('match the tables', () => {
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(3.8415, 3);
    expect(chiSquareQuantile(0.99, 9)).toBeCloseTo(21.666, 2);
    expect(chiSquareQuantile(0.999, 3)).toBeCloseTo(16.266, 2);
    expect(chiSquareQuantile(0.5, 100)).toBeCloseTo(99.334, 2);
  });
});

describe('PSI', () => {
  const shares = [0.25, 0.25, 0.25, 0.25, 0];

  it('is near zero for a window shaped as the baseline, and grows with the change', () => {
    expect(psi([25, 25, 25, 25, 0], shares, 10_000)).toBeLessThan(1e-3);
    expect(psi([40, 20, 20, 20, 0], shares, 10_000)).toBeGreaterThan(psi([30, 24, 23, 23, 0], shares, 10_000));
  });

  it('has a threshold that shrinks with the window, so that its false alarms do not depend on the size', () => {
    const small = psiThreshold(100, 10_000, shares, 0.01);
    expect(small).toBeCloseTo((1 / 100 + 1 / 10_000) * chiSquareQuantile(0.99, 3), 6);
    expect(psiThreshold(10_000, 10_000, shares, 0.01)).toBeLessThan(small / 50);
  });
});
