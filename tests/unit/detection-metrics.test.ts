import { describe, expect, it } from 'vitest';
import { averagePrecision, precisionRecall } from '../../scripts/evaluation/detection-metrics';

/** A hand-worked case: 3 true boxes; ranked detections TP, FP (duplicate), TP, FP (nothing there). */
const box = (x: number) => ({ xmin: x, ymin: 0, xmax: x + 10, ymax: 10 });
const truth = new Map([
  ['a.jpg', [box(0), box(50)]],
  ['b.jpg', [box(0)]],
]);
const detections = [
  { image: 'a.jpg', score: 0.9, box: box(0) },
  { image: 'a.jpg', score: 0.8, box: box(1) },
  { image: 'b.jpg', score: 0.7, box: box(0) },
  { image: 'b.jpg', score: 0.6, box: box(200) },
];

describe('averagePrecision (VOC, all-point interpolation)', () => {
  it('is the area under the precision envelope', () => {
    // Recall 1/3 at precision 1, then 2/3 at precision 2/3: 1/3·1 + 1/3·2/3 = 5/9.
    expect(averagePrecision(detections, truth)).toBeCloseTo(5 / 9, 10);
  });

  it('is 1 for perfect detections and 0 for none', () => {
    const perfect = [...truth].flatMap(([image, boxes]) => boxes.map((b) => ({ image, score: 0.9, box: b })));
    expect(averagePrecision(perfect, truth)).toBeCloseTo(1, 10);
    expect(averagePrecision([], truth)).toBe(0);
  });

  it('does not count a box found at too low an overlap', () => {
    expect(averagePrecision([{ image: 'b.jpg', score: 0.9, box: box(6) }], new Map([['b.jpg', [box(0)]]]))).toBe(0);
  });
});

describe('precisionRecall', () => {
  it('scores the detections at or above the threshold', () => {
    const { precision, recall } = precisionRecall(detections, truth, 0.65);
    expect(precision).toBeCloseTo(2 / 3, 10);
    expect(recall).toBeCloseTo(2 / 3, 10);
  });
});
