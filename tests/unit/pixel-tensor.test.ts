import { describe, expect, it } from 'vitest';
import { pixelsToTensor, toModelInput, type PixelTensor } from '../../functions/serving/preprocessing/tensor';

const normalisation = { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

describe('pixelsToTensor', () => {
  it('normalises each channel with its own mean and std and reorders NHWC to NCHW', () => {
    // Prepare: 1×2 pixels, RGB: (0, 128, 255) then (10, 20, 30).
    const pixels: PixelTensor = { dtype: 'uint8', dims: [1, 1, 2, 3], data: Uint8Array.from([0, 128, 255, 10, 20, 30]) };
    const expected = (p: number, c: number) => Math.fround((p / 255 - normalisation.mean[c]!) / normalisation.std[c]!);

    // Act
    const tensor = pixelsToTensor(pixels, normalisation);

    // Assess: planes R, G, B, each in pixel order.
    expect(tensor.dims).toEqual([1, 3, 1, 2]);
    expect([...tensor.data]).toEqual([
      expected(0, 0),
      expected(10, 0),
      expected(128, 1),
      expected(20, 1),
      expected(255, 2),
      expected(30, 2),
    ]);
  });

  it('uses the first mean and std for a grey picture', () => {
    const tensor = pixelsToTensor(
      { dtype: 'uint8', dims: [1, 2, 1, 1], data: Uint8Array.from([255, 0]) },
      { scale: 1 / 255, mean: [0.5], std: [0.5] },
    );
    expect([...tensor.data]).toEqual([1, -1]);
  });

  it('writes into a kept buffer of the right length, and into a new one otherwise', () => {
    const pixels: PixelTensor = { dtype: 'uint8', dims: [1, 1, 1, 3], data: Uint8Array.from([255, 255, 255]) };
    const kept = new Float32Array(3).fill(Number.NaN);
    const wrongSize = new Float32Array(6);

    expect(pixelsToTensor(pixels, normalisation, kept).data).toBe(kept);
    expect([...kept].every(Number.isFinite)).toBe(true);
    const fresh = pixelsToTensor(pixels, normalisation, wrongSize).data;
    expect(fresh).not.toBe(wrongSize);
    expect([...fresh]).toEqual([...kept]);
  });

  it('passes float tensors through untouched', () => {
    const floats = { dims: [1, 1, 1, 2], data: new Float32Array([0.25, 4]) };
    expect(toModelInput(floats, normalisation)).toBe(floats);
  });
});
