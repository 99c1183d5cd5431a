import { describe, expect, it } from 'vitest';
import { anomalyFigures, confusion, pooled } from '../../scripts/evaluation/anomaly-metrics';

describe('SKAB point-wise figures', () => {
  // Hand-worked: labels 1 1 1 0 0 0 0, predictions 1 0 0 1 0 0 0 -> TP 1, FN 2, FP 1, TN 3.
  const counts = confusion([1, 1, 1, 0, 0, 0, 0], [1, 0, 0, 1, 0, 0, 0]);

  it('counts rows by label and prediction', () => {
    expect(counts).toEqual({ tp: 1, fp: 1, fn: 2, tn: 3 });
  });

  it('gives F1 = 2TP/(2TP+FP+FN), FAR = FP/normal rows, MAR = FN/anomalous rows', () => {
    const figures = anomalyFigures(counts);
    expect(figures.f1).toBeCloseTo(2 / 5, 10);
    expect(figures.far).toBeCloseTo(1 / 4, 10);
    expect(figures.mar).toBeCloseTo(2 / 3, 10);
    expect(figures).toMatchObject({ rows: 7, anomalousRows: 3 });
  });

  it('pools files row by row, not by averaging their F1', () => {
    const other = confusion([1, 1, 1], [1, 1, 1]);
    expect(anomalyFigures(pooled([counts, other])).f1).toBeCloseTo(8 / 11, 10);
  });

  it('refuses labels and predictions of different lengths', () => {
    expect(() => confusion([1, 0], [1])).toThrow(/length/);
  });
});
