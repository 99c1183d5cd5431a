import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../functions/platform/errors';
import {
  borderMedian,
  centreByMass,
  crop,
  fitSize,
  inkBoundingBox,
  isolateInk,
} from '../../functions/serving/preprocessing/mnist-fit';
import type { GrayImage } from '../../functions/serving/preprocessing/decode';

/** A light sheet (value `paper`) with a dark rectangle of ink. */
function sheet(
  width: number,
  height: number,
  paper: number,
  ink: { x: number; y: number; w: number; h: number; value: number },
): GrayImage {
  const data = new Uint8Array(width * height).fill(paper);
  for (let y = ink.y; y < ink.y + ink.h; y += 1) for (let x = ink.x; x < ink.x + ink.w; x += 1) data[y * width + x] = ink.value;
  return { data, width, height };
}

describe('borderMedian', () => {
  it('is the middle value of the outermost pixels once sorted (upper middle of an even count), at any size', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (const [width, height] of [
      [1, 1],
      [1, 5],
      [5, 1],
      [2, 2],
      [3, 7],
      [64, 48],
      [257, 193],
    ] as const) {
      const data = Uint8Array.from({ length: width * height }, () => random() & (seed % 3 === 0 ? 0x0f : 0xff));
      // The outermost pixels as a list: top and bottom rows, then the side columns between them.
      const border: number[] = [];
      for (let x = 0; x < width; x += 1) border.push(data[x]!, data[(height - 1) * width + x]!);
      for (let y = 1; y < height - 1; y += 1) border.push(data[y * width]!, data[y * width + width - 1]!);
      border.sort((a, b) => a - b);
      expect(borderMedian({ data, width, height }), `${width}×${height}`).toBe(border[border.length >> 1]);
    }
  });
});

describe('isolateInk', () => {
  it('inverts dark ink on light paper into bright ink on black', () => {
    // Prepare
    const image = sheet(10, 10, 230, { x: 3, y: 3, w: 2, h: 4, value: 20 });
    // Act
    const ink = isolateInk(image);
    // Assess
    expect(ink.data[0]).toBe(0);
    expect(ink.data[3 * 10 + 3]).toBe(255);
  });

  it('keeps MNIST-style light ink on black as it is', () => {
    const image = sheet(10, 10, 0, { x: 1, y: 1, w: 3, h: 3, value: 200 });
    const ink = isolateInk(image);
    expect(ink.data[0]).toBe(0);
    expect(ink.data[11]).toBe(255);
  });

  it('removes grey paper and faint noise under the noise floor', () => {
    const image = sheet(12, 12, 180, { x: 4, y: 4, w: 3, h: 3, value: 30 });
    image.data[0] = 170; // paper texture, slightly darker than the sheet
    const ink = isolateInk(image);
    expect(ink.data[0]).toBe(0);
    expect(ink.data[4 * 12 + 4]).toBe(255);
  });

  it('rejects a blank page with a no-ink reason', () => {
    const blank = sheet(8, 8, 240, { x: 0, y: 0, w: 0, h: 0, value: 0 });
    expect(() => isolateInk(blank)).toThrow(InvalidInputError);
    try {
      isolateInk(blank);
    } catch (error) {
      expect((error as InvalidInputError).code).toBe('no-ink');
    }
  });
});

describe('inkBoundingBox and crop', () => {
  it('finds the tight box around the ink and cuts it out', () => {
    const image = sheet(10, 8, 0, { x: 2, y: 3, w: 4, h: 2, value: 255 });
    const box = inkBoundingBox(image);
    expect(box).toEqual({ left: 2, top: 3, width: 4, height: 2 });
    const patch = crop(image, box);
    expect(patch.width * patch.height).toBe(8);
    expect([...patch.data].every((v) => v === 255)).toBe(true);
  });
});

describe('fitSize', () => {
  it('makes the longer side the ink box and keeps the aspect ratio', () => {
    expect(fitSize(100, 50, 20)).toEqual({ width: 20, height: 10 });
    expect(fitSize(7, 140, 20)).toEqual({ width: 1, height: 20 });
    expect(fitSize(3, 3, 20)).toEqual({ width: 20, height: 20 });
  });
});

describe('centreByMass', () => {
  it('puts the centre of mass at the centre of the canvas', () => {
    // A 4×4 patch with all its mass in the right column: the column must land just right of centre.
    const patch = { data: new Uint8Array(16), width: 4, height: 4 };
    for (let y = 0; y < 4; y += 1) patch.data[y * 4 + 3] = 255;
    const canvas = centreByMass(patch, 28, 28);
    let mass = 0;
    let sumX = 0;
    let sumY = 0;
    canvas.data.forEach((v, i) => {
      mass += v;
      sumX += v * ((i % 28) + 0.5);
      sumY += v * (Math.floor(i / 28) + 0.5);
    });
    expect(Math.abs(sumX / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(sumY / mass - 14)).toBeLessThanOrEqual(0.5);
  });

  it('keeps a patch inside the canvas when its mass is off to one side', () => {
    const patch = { data: new Uint8Array(20 * 20), width: 20, height: 20 };
    patch.data[0] = 255; // all the mass in the top-left corner
    const canvas = centreByMass(patch, 28, 28);
    expect(canvas.data.reduce((a, b) => a + b, 0)).toBe(255);
  });
});
