import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cropBoxes, normalisedPadding, refineBoxes } from '../../functions/serving/inference/box-refiner';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { imageInputOf, type LetterboxInputSpec } from '../../functions/serving/model-spec';
import { pixelsToTensor } from '../../functions/serving/preprocessing/tensor';
import { ModelRegistry } from '../../functions/serving/registry';
import { MODELS_DIR } from '../support/models';

/**
 * The car detector's box refiner (car-detector 1.2.0, issue #27): the crop it reads is train_refiner.py's, and the
 * shipped graph, fed by it, places boxes where train_refiner.py computed (its refiner-fixture.json).
 */

const box = (xmin: number, ymin: number, xmax: number, ymax: number) => ({ xmin, ymin, xmax, ymax });

describe('box refiner crops', () => {
  // A plane whose value is 1000·y + x (channel 0) samples bilinearly to exactly 1000·Y + X.
  const [width, height] = [40, 30];
  const plane = Float32Array.from({ length: width * height }, (_, i) => 1000 * Math.floor(i / width) + (i % width));
  const input = { dims: [1, 1, height, width], data: plane };

  it('samples pixel u at X = left + (u + ½)·length/side − ½, bilinearly', () => {
    const side = 4;
    // Box 8..16 × 6..14 with a quarter of context: the crop spans 6..18 and 4..16, 3 pixels per sample.
    const crops = cropBoxes(input, [box(8, 6, 16, 14)], side, 0.25, [-1]);
    const xs = [0, 1, 2, 3].map((u) => 6 + (u + 0.5) * 3 - 0.5);
    const ys = [0, 1, 2, 3].map((v) => 4 + (v + 0.5) * 3 - 0.5);
    const expected = ys.flatMap((y) => xs.map((x) => 1000 * y + x));
    expect([...crops]).toEqual(expected.map((v) => Math.fround(v)));
  });

  it('takes the pad value outside the picture, and mixes it in at the edge', () => {
    const crops = cropBoxes(input, [box(-20, -20, -10, -10)], 2, 0, [-7]);
    expect([...crops]).toEqual([-7, -7, -7, -7]);
    // Sample X = −0.5 is half pad, half column 0.
    const edge = cropBoxes(input, [box(-0.5, 10, 1.5, 12)], 2, 0, [-8]);
    expect(edge[0]).toBeCloseTo(0.5 * -8 + 0.5 * (1000 * 10 + 0), 3);
  });

  it('writes each box and channel in its own [3, side, side] block', () => {
    const three = {
      dims: [1, 3, height, width],
      data: new Float32Array(3 * width * height).map((_, i) => Math.floor(i / (width * height))),
    };
    const crops = cropBoxes(three, [box(2, 2, 10, 10), box(20, 5, 30, 25)], 3, 0.1, [9, 9, 9]);
    expect(crops.length).toBe(2 * 3 * 9);
    for (let k = 0; k < 2; k += 1) {
      for (let c = 0; c < 3; c += 1) expect([...crops.subarray((k * 3 + c) * 9, (k * 3 + c + 1) * 9)]).toEqual(Array(9).fill(c));
    }
  });
});

describe('car-detector 1.2.0 box refiner', () => {
  it('places the fixture boxes where train_refiner.py did, from the same synthetic frame', async () => {
    const model = await new ModelRegistry(MODELS_DIR).inspect('car-detector', '1.2.0');
    const spec = imageInputOf(model.metadata) as LetterboxInputSpec;
    const refiner = model.metadata.output.kind === 'detection' ? model.metadata.output.boxRefiner : undefined;
    if (!refiner) throw new Error('car-detector 1.2.0 has no box refiner');
    const fixture = JSON.parse(readFileSync(`${MODELS_DIR}/car-detector/1.2.0/refiner-fixture.json`, 'utf8')) as {
      boxes: number[][];
      refined: number[][];
    };
    const { width, height } = spec;
    const pixels = new Uint8Array(height * width * 3);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        for (let c = 0; c < 3; c += 1) pixels[(y * width + x) * 3 + c] = (x * 7 + y * 13 + c * 29 + ((x * y) % 17)) % 256;
      }
    }
    const input = pixelsToTensor({ dtype: 'uint8', dims: [1, height, width, 3], data: pixels }, spec.normalisation);
    const session = await new SessionCache().get(model, refiner);
    const boxes = fixture.boxes.map(([x1, y1, x2, y2]) => box(x1!, y1!, x2!, y2!));
    const placed = await refineBoxes(session, input, boxes, refiner, normalisedPadding(spec));
    placed.forEach((b, k) => {
      const [x1, y1, x2, y2] = fixture.refined[k]!;
      for (const [got, want] of [
        [b.xmin, x1],
        [b.ymin, y1],
        [b.xmax, x2],
        [b.ymax, y2],
      ] as const)
        expect(Math.abs(got - want!)).toBeLessThan(0.01);
    });
    // Refined, not echoed: the network moved at least one edge.
    expect(placed.some((b, k) => Math.abs(b.xmin - boxes[k]!.xmin) > 0.05)).toBe(true);
  });
});
