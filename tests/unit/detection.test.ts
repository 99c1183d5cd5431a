import { describe, expect, it } from 'vitest';
import {
  decodeDetections,
  detectionResult,
  iou,
  keptCandidates,
  nms,
  toSourcePixels,
} from '../../functions/serving/inference/detection';
import type { DetectionOutputSpec } from '../../functions/serving/model-spec';
import { letterboxGeometry } from '../../functions/serving/preprocessing/letterbox';

/** Post-processing of the detector on hand-made head tensors, where the right answer is known by construction. */
const spec: DetectionOutputSpec = {
  kind: 'detection',
  scoresTensorName: 'scores',
  boxesTensorName: 'boxes',
  stride: 8,
  scoreActivation: 'sigmoid',
  boxEncoding: 'ltrb-stride',
  labels: ['car'],
  scoreThreshold: 0.5,
  nmsIou: 0.5,
  maxDetections: 10,
};
const logit = (p: number) => Math.log(p / (1 - p));

/** A 4×6 grid (rows × columns) with the given cells lit: score and l,t,r,b in stride units. */
function heads(lit: Array<{ row: number; col: number; p: number; ltrb: [number, number, number, number] }>) {
  const grid = { height: 4, width: 6 };
  const cells = grid.height * grid.width;
  const scores = new Float32Array(cells).fill(logit(0.01));
  const boxes = new Float32Array(4 * cells).fill(1);
  for (const { row, col, p, ltrb } of lit) {
    const cell = row * grid.width + col;
    scores[cell] = logit(p);
    ltrb.forEach((value, k) => (boxes[k * cells + cell] = value));
  }
  return { scores, boxes, grid };
}

describe('decodeDetections', () => {
  it('turns a lit cell into a box around its centre, in tensor pixels', () => {
    const { scores, boxes, grid } = heads([{ row: 1, col: 2, p: 0.9, ltrb: [1, 0.5, 2, 1.5] }]);
    const [only, ...rest] = decodeDetections(scores, boxes, grid, spec);
    expect(rest).toEqual([]);
    // Centre of cell (1, 2) at stride 8: (20, 12).
    expect(only!.score).toBeCloseTo(0.9, 5);
    expect(only!.box.xmin).toBeCloseTo(12, 4);
    expect(only!.box.ymin).toBeCloseTo(8, 4);
    expect(only!.box.xmax).toBeCloseTo(36, 4);
    expect(only!.box.ymax).toBeCloseTo(24, 4);
  });

  it('keeps scores as they are when the model already applies the activation', () => {
    const { boxes, grid } = heads([]);
    const scores = new Float32Array(24).fill(0.2);
    scores[0] = 0.7;
    expect(decodeDetections(scores, boxes, grid, { ...spec, scoreActivation: 'none' })).toHaveLength(1);
  });

  it('refuses heads that do not match the grid', () => {
    expect(() => decodeDetections(new Float32Array(10), new Float32Array(40), { height: 4, width: 6 }, spec)).toThrow(/grid/);
  });
});

describe('iou and nms', () => {
  it('measures overlap as intersection over union', () => {
    expect(iou({ xmin: 0, ymin: 0, xmax: 10, ymax: 10 }, { xmin: 5, ymin: 0, xmax: 15, ymax: 10 })).toBeCloseTo(50 / 150, 6);
    expect(iou({ xmin: 0, ymin: 0, xmax: 1, ymax: 1 }, { xmin: 2, ymin: 2, xmax: 3, ymax: 3 })).toBe(0);
  });

  it('keeps the best of overlapping boxes and every separate one, best first, up to the cap', () => {
    const box = (x: number) => ({ xmin: x, ymin: 0, xmax: x + 10, ymax: 10 });
    const candidates = [
      { score: 0.6, box: box(1) },
      { score: 0.9, box: box(0) },
      { score: 0.8, box: box(50) },
      { score: 0.7, box: box(100) },
    ];
    expect(nms(candidates, 0.5, 10).map((c) => c.score)).toEqual([0.9, 0.8, 0.7]);
    expect(nms(candidates, 0.5, 2).map((c) => c.score)).toEqual([0.9, 0.8]);
  });
});

describe('toSourcePixels', () => {
  it('undoes the letterbox of a 676×380 frame in a 512×288 tensor', () => {
    const fit = letterboxGeometry(676, 380, { width: 512, height: 288 } as never);
    const geometry = { scale: fit.scale, padX: fit.padX, padY: fit.padY, sourceWidth: 676, sourceHeight: 380 };
    // A box drawn in frame pixels, pushed through the letterbox, must come back where it was.
    const frameBox = { xmin: 100, ymin: 150, xmax: 300, ymax: 250 };
    const tensorBox = {
      xmin: frameBox.xmin * fit.scale + fit.padX,
      ymin: frameBox.ymin * fit.scale + fit.padY,
      xmax: frameBox.xmax * fit.scale + fit.padX,
      ymax: frameBox.ymax * fit.scale + fit.padY,
    };
    const back = toSourcePixels(tensorBox, geometry);
    for (const key of ['xmin', 'ymin', 'xmax', 'ymax'] as const) expect(back[key]).toBeCloseTo(frameBox[key], 1);
  });

  it('clamps boxes that spill into the padding to the picture', () => {
    const geometry = { scale: 0.5, padX: 0, padY: 20, sourceWidth: 200, sourceHeight: 100 };
    expect(toSourcePixels({ xmin: -5, ymin: 0, xmax: 150, ymax: 90 }, geometry)).toEqual({
      xmin: 0,
      ymin: 0,
      xmax: 200,
      ymax: 100,
    });
  });
});

describe('keptCandidates and detectionResult', () => {
  it('decodes, suppresses duplicates and answers in picture pixels with the label', () => {
    const { scores, boxes, grid } = heads([
      { row: 1, col: 1, p: 0.95, ltrb: [1, 1, 1, 1] },
      { row: 1, col: 2, p: 0.8, ltrb: [2, 1, 0.2, 1] }, // nearly the same box as above: suppressed
      { row: 3, col: 5, p: 0.7, ltrb: [0.5, 0.5, 0.5, 0.5] },
      { row: 0, col: 0, p: 0.3, ltrb: [1, 1, 1, 1] }, // under the threshold
    ]);
    const geometry = { scale: 0.5, padX: 0, padY: 0, sourceWidth: 96, sourceHeight: 64 };
    const result = detectionResult(keptCandidates(scores, boxes, grid, spec), spec, geometry);
    expect(result.detections.map((d) => d.score)).toEqual([0.95, 0.7]);
    expect(result.detections[0]).toEqual({ label: 'car', score: 0.95, box: { xmin: 8, ymin: 8, xmax: 40, ymax: 40 } });
  });
});
