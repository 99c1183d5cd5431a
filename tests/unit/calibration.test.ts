import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, uncertaintyThreshold } from '../../scripts/evaluation/calibration';

describe('expectedCalibrationError', () => {
  it('is zero when confidence matches accuracy in every bin', () => {
    const scored = [
      { confidence: 0.75, correct: true },
      { confidence: 0.75, correct: true },
      { confidence: 0.75, correct: true },
      { confidence: 0.75, correct: false },
    ];
    expect(expectedCalibrationError(scored)).toBeCloseTo(0, 10);
  });

  it('weighs each bin by its share of the answers', () => {
    // Bin 0.9: confidence 0.95, accuracy 0.5 (gap 0.45, half the answers); bin 0.6: confidence 0.65, accuracy 1.
    const scored = [
      { confidence: 0.95, correct: true },
      { confidence: 0.95, correct: false },
      { confidence: 0.65, correct: true },
      { confidence: 0.65, correct: true },
    ];
    expect(expectedCalibrationError(scored)).toBeCloseTo(0.5 * 0.45 + 0.5 * 0.35, 10);
  });
});

describe('uncertaintyThreshold', () => {
  it('is the lowest confidence above which the kept answers reach the target accuracy', () => {
    const scored = [
      { confidence: 0.3, correct: false },
      { confidence: 0.45, correct: false },
      { confidence: 0.5, correct: true },
      { confidence: 0.9, correct: true },
      { confidence: 0.99, correct: true },
    ];
    expect(uncertaintyThreshold(scored, 0.99)).toBe(0.46);
    expect(uncertaintyThreshold(scored, 0.7)).toBe(0.31);
    expect(uncertaintyThreshold(scored, 0.6)).toBe(0);
  });
});
