import { chiSquareQuantile } from './chi-square';

/**
 * The Population Stability Index of a window's counts against a baseline's shares, and the threshold PSI would
 * pass only with probability `alpha` if nothing had changed. With no change, a window of n rows against a baseline
 * of m rows over B bins gives PSI ≈ (1/n + 1/m)·χ²(B − 1) (PSI is a symmetrised Kullback–Leibler divergence, whose
 * second-order term is Pearson's χ²/n): a fixed cut such as 0.1 fires almost always on 100 rows and almost never
 * on 10,000, this one fires with probability alpha at any size.
 */

/** Half a row per bin on both sides: an empty bin is "rare", not "impossible" (log 0), as the baseline's are. */
const PSEUDO_COUNT = 0.5;

/**
 * PSI compares the bins the baseline saw; a bin it never saw (missing values, where training had none) is left
 * out here and judged apart (drift.ts): with no change it stays empty, and smoothing it into PSI would add a
 * constant that, at 200 rows, took a tenth of the threshold and doubled the false alarms.
 */
const seen = (shares: readonly number[]) => shares.flatMap((share, i) => (share > 0 ? [i] : []));

export const degreesOfFreedom = (shares: readonly number[]) => Math.max(1, seen(shares).length - 1);

export function psi(counts: readonly number[], shares: readonly number[], baselineRows: number): number {
  const bins = seen(shares);
  const n = bins.reduce((sum, i) => sum + (counts[i] ?? 0), 0);
  let total = 0;
  for (const i of bins) {
    const actual = ((counts[i] ?? 0) + PSEUDO_COUNT) / (n + PSEUDO_COUNT * bins.length);
    const expected = (shares[i]! * baselineRows + PSEUDO_COUNT) / (baselineRows + PSEUDO_COUNT * bins.length);
    total += (actual - expected) * Math.log(actual / expected);
  }
  return total;
}

/** PSI's (1 − alpha) quantile under no change, for a window of n rows against a baseline of m. */
export const psiThreshold = (n: number, m: number, shares: readonly number[], alpha: number) =>
  (1 / n + 1 / m) * chiSquareQuantile(1 - alpha, degreesOfFreedom(shares));
