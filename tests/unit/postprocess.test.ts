import { describe, expect, it } from 'vitest';
import { classify, softmax, withInputDoubt } from '../../functions/serving/inference/postprocess';

const spec = { kind: 'classification' as const, tensorName: 'logits', activation: 'softmax' as const, labels: ['0', '1', '2'] };

describe('softmax', () => {
  it('sums to one and keeps the order of the logits', () => {
    const p = softmax([1, 3, 2]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(p[1]).toBeGreaterThan(p[2] ?? 1);
    expect(p[2]).toBeGreaterThan(p[0] ?? 1);
  });

  it('does not overflow on large logits', () => {
    const p = softmax([1000, 1001]);
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-1)), 10);
  });
});

describe('classify', () => {
  it('names the most probable label with its confidence and every probability', () => {
    const result = classify(new Float32Array([0.1, 0.2, 5]), spec);
    expect(result.label).toBe('2');
    expect(result.confidence).toBeGreaterThan(0.9);
    expect(Object.keys(result.probabilities)).toEqual(['0', '1', '2']);
    expect(result.probabilities['2']).toBe(result.confidence);
  });

  it('uses scores as they are when the model already outputs probabilities', () => {
    const result = classify([0.2, 0.7, 0.1], { ...spec, activation: 'none' });
    expect(result).toMatchObject({ label: '1', confidence: 0.7 });
  });

  it('refuses an output that does not match the labels', () => {
    expect(() => classify([1, 2], spec)).toThrow(/2 scores for 3 labels/);
  });

  it('marks an answer under the calibrated threshold uncertain, with the reason', () => {
    const result = classify([0.4, 0.35, 0.25], { ...spec, activation: 'none', uncertainBelow: 0.6 });
    expect(result).toMatchObject({ label: '0', uncertain: true, reason: 'low-confidence' });
  });

  it('keeps a confident answer as it is', () => {
    const result = classify([0.9, 0.05, 0.05], { ...spec, activation: 'none', uncertainBelow: 0.6 });
    expect(result.uncertain).toBeUndefined();
    expect(result.reason).toBeUndefined();
  });

  it('marks the answer on an empty input uncertain whatever its confidence', () => {
    const result = classify([0.9, 0.05, 0.05], { ...spec, activation: 'none', uncertainBelow: 0.6 }, true);
    expect(result).toMatchObject({ uncertain: true, reason: 'nothing-found' });
  });

  it('never marks answers of a model whose spec has no threshold', () => {
    expect(classify([0.4, 0.35, 0.25], { ...spec, activation: 'none' }, true).uncertain).toBeUndefined();
  });
});

describe('withInputDoubt', () => {
  const confident = classify([0.9, 0.05, 0.05], { ...spec, activation: 'none', uncertainBelow: 0.6 });

  it('marks a confident answer on writing found only by the looser rules uncertain (unclear-writing)', () => {
    expect(withInputDoubt(confident, { unclearWriting: true })).toMatchObject({
      label: '0',
      confidence: 0.9,
      uncertain: true,
      reason: 'unclear-writing',
    });
  });

  it('leaves an answer on clearly found writing, an answer already uncertain, and boxes as they are', () => {
    expect(withInputDoubt(confident, {})).toBe(confident);
    const low = classify([0.4, 0.35, 0.25], { ...spec, activation: 'none', uncertainBelow: 0.6 });
    expect(withInputDoubt(low, { unclearWriting: true })).toMatchObject({ reason: 'low-confidence' });
    const boxes = { detections: [] };
    expect(withInputDoubt(boxes, { unclearWriting: true })).toBe(boxes);
  });

  it('marks an answer read from more ink than its label is trusted on uncertain (page.maxInkPixels, 1.7.0)', () => {
    const limits = { '0': 130 };
    expect(withInputDoubt(confident, { inkPixels: 131 }, limits)).toMatchObject({
      label: '0',
      uncertain: true,
      reason: 'unclear-writing',
    });
    expect(withInputDoubt(confident, { inkPixels: 130 }, limits)).toBe(confident);
    expect(withInputDoubt(confident, { inkPixels: 500 }, { '1': 130 })).toBe(confident);
    expect(withInputDoubt(confident, { inkPixels: 500 })).toBe(confident);
    expect(withInputDoubt(confident, {}, limits)).toBe(confident);
  });
});
