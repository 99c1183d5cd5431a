import { describe, expect, it } from 'vitest';
import { classificationMetrics } from '../../functions/training/metrics';

describe('classificationMetrics', () => {
  it('counts per class from the confusion of truth and prediction', () => {
    // Truth a a a b b c, predicted a a b b b c: a 2/2 precise, recall 2/3; b precision 2/3, recall 1; c perfect.
    const metrics = classificationMetrics(Float64Array.from([0, 0, 0, 1, 1, 2]), Int32Array.from([0, 0, 1, 1, 1, 2]), [
      'a',
      'b',
      'c',
    ]);
    expect(metrics.accuracy).toBeCloseTo(5 / 6, 4);
    expect(metrics.perClass.a).toMatchObject({ precision: 1, recall: 0.6667, support: 3 });
    expect(metrics.perClass.b).toMatchObject({ precision: 0.6667, recall: 1, support: 2 });
    expect(metrics.confusionMatrix.counts).toEqual([
      [2, 1, 0],
      [0, 2, 0],
      [0, 0, 1],
    ]);
  });

  it('keeps a class whatever its name, __proto__ and constructor included (labels are the user’s values)', () => {
    const labels = ['__proto__', 'constructor', 'ok'];
    const metrics = classificationMetrics(Float64Array.from([0, 1, 2]), Int32Array.from([0, 1, 2]), labels);
    expect(Object.keys(metrics.perClass)).toEqual(labels);
    expect(Object.keys(JSON.parse(JSON.stringify(metrics)).perClass)).toEqual(labels);
    expect(Object.getPrototypeOf(metrics.perClass)).toBe(Object.prototype);
  });
});
