import { describe, expect, it } from 'vitest';
import { COCO_IOU_THRESHOLDS, cocoAveragePrecision, cocoBySize } from '../../scripts/evaluation/coco-metrics';

/** Hand-worked cases of the COCO protocol (pycocotools' COCOeval, one class, boxes). */
const box = (x: number, y = 0, size = 10) => ({ xmin: x, ymin: y, xmax: x + size, ymax: y + size });

describe('cocoAveragePrecision', () => {
  it('scores a box 1 px off at the thresholds its IoU (90/110 = 0.818) clears and 0 above', () => {
    const { mAP, apByIoU } = cocoAveragePrecision([{ image: 'a', score: 0.9, box: box(1) }], new Map([['a', [box(0)]]]));
    expect(apByIoU.map(([t]) => t)).toEqual(COCO_IOU_THRESHOLDS);
    expect(apByIoU.map(([, ap]) => ap)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(mAP).toBeCloseTo(0.7, 10);
  });

  it('reads precision at 101 recall points off its envelope', () => {
    // TP, FP, TP over 2 boxes: precision 1 up to recall 0.5 (51 points), then 2/3 (50 points).
    const truth = new Map([['a', [box(0), box(50)]]]);
    const detections = [
      { image: 'a', score: 0.9, box: box(0) },
      { image: 'a', score: 0.8, box: box(200) },
      { image: 'a', score: 0.7, box: box(50) },
    ];
    expect(cocoAveragePrecision(detections, truth).apByIoU[0]![1]).toBeCloseTo((51 + (50 * 2) / 3) / 101, 10);
  });

  it('matches a detection to the best box still unmatched (where VOC would count a duplicate)', () => {
    // Two overlapping boxes; the second detection overlaps the first box most, but it is taken.
    const truth = new Map([['a', [box(0), box(3)]]]);
    const detections = [
      { image: 'a', score: 0.9, box: box(0) },
      { image: 'a', score: 0.8, box: box(1) },
    ];
    expect(cocoAveragePrecision(detections, truth).apByIoU[0]![1]).toBeCloseTo(1, 10);
  });

  it('keeps at most 100 detections per image', () => {
    const truth = new Map([['a', [box(0)]]]);
    const misses = Array.from({ length: 100 }, (_, i) => ({ image: 'a', score: 0.9, box: box(100 + 20 * i) }));
    expect(cocoAveragePrecision([...misses, { image: 'a', score: 0.1, box: box(0) }], truth).mAP).toBe(0);
  });
});

describe('cocoBySize', () => {
  it('ignores boxes of other sizes, and detections matched to them or unmatched outside the size', () => {
    const truth = new Map([['a', [box(0, 0, 20), box(100, 0, 120)]]]);
    const detections = [
      { image: 'a', score: 0.9, box: box(0, 0, 20) }, // the small box: ignored when scoring large ones
      { image: 'a', score: 0.8, box: box(300, 0, 10) }, // small and unmatched: ignored there too
      { image: 'a', score: 0.7, box: box(100, 0, 120) },
    ];
    const sizes = cocoBySize(detections, truth);
    expect(sizes.large).toMatchObject({ boxes: 1, mAP: 1, AP50: 1, AP75: 1 });
    // Small: TP, FP (the small miss), then the large detection is ignored (outside the size, unmatched).
    expect(sizes.small.boxes).toBe(1);
    expect(sizes.small.AP50).toBeCloseTo(1, 10);
    expect(sizes.medium.boxes).toBe(0);
    expect(sizes.medium.mAP).toBeNaN();
  });
});
