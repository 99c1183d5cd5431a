import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../functions/serving/preprocessing/decode';
import { resizeGray } from '../../functions/serving/preprocessing/decode';
import { resampleGray } from '../../functions/serving/preprocessing/resample';
import { seededRandom } from '../../scripts/evaluation/pages/random';

/** The in-process Lanczos-3 resize of a digit's patch (`page.patchResize: in-process`, digits 1.3.0). */
const random = seededRandom(1300);

/** A digit-like patch: a few bright strokes (discs along random segments) on black. */
function strokes(width: number, height: number): GrayImage {
  const data = new Uint8Array(width * height);
  const radius = Math.max(1.5, Math.min(width, height) / 10);
  for (let s = 0; s < 3; s += 1) {
    const [x0, y0, x1, y1] = [random.next() * width, random.next() * height, random.next() * width, random.next() * height];
    for (let t = 0; t <= 1; t += 0.01) {
      const cx = x0 + (x1 - x0) * t;
      const cy = y0 + (y1 - y0) * t;
      for (let y = 0; y < height; y += 1)
        for (let x = 0; x < width; x += 1) if (Math.hypot(x - cx, y - cy) < radius) data[y * width + x] = 255;
    }
  }
  return { data, width, height };
}

describe('resampleGray', () => {
  it('leaves a patch at its own size as it is, and a flat patch flat at any size', () => {
    const patch = strokes(23, 31);
    expect(resampleGray(patch, 23, 31).data).toEqual(patch.data);
    const flat = { data: new Uint8Array(40 * 25).fill(173), width: 40, height: 25 };
    for (const [w, h] of [
      [20, 13],
      [7, 4],
      [64, 40],
    ] as const)
      expect(new Set(resampleGray(flat, w, h).data)).toEqual(new Set([173]));
  });

  it('gives what libvips gives (sharp, lanczos3) within a grey level or so on average when shrinking', async () => {
    // The patches a page gives, from twenty pixels to a hundred a side, fitted into the 20-px ink box. (Enlarging,
    // libvips uses another interpolator, half a pixel off: compared below with where the strokes must land instead.)
    for (const [width, height, outWidth, outHeight] of [
      [48, 40, 20, 17],
      [43, 48, 18, 20],
      [96, 60, 20, 13],
      [17, 53, 6, 20],
      [21, 26, 16, 20],
    ] as const) {
      const patch = strokes(width, height);
      const ours = resampleGray(patch, outWidth, outHeight);
      const theirs = await resizeGray(patch, outWidth, outHeight);
      expect([ours.width, ours.height]).toEqual([outWidth, outHeight]);
      const differences = ours.data.map((v, i) => Math.abs(v - theirs.data[i]!));
      const mean = differences.reduce((sum, d) => sum + d, 0) / differences.length;
      expect(mean, `${width}×${height} → ${outWidth}×${outHeight}`).toBeLessThan(2.5);
      expect(Math.max(...differences), `${width}×${height} → ${outWidth}×${outHeight}`).toBeLessThan(40);
    }
  });

  it('keeps a one-pixel line where it is when shrinking by 3 (pixel centres aligned, not corners)', () => {
    const line = { data: new Uint8Array(30 * 30), width: 30, height: 30 };
    for (let y = 0; y < 30; y += 1) line.data[y * 30 + 16] = 255; // column 16 = the centre of output column 5
    const out = resampleGray(line, 10, 10);
    const row = Array.from(out.data.subarray(50, 60));
    expect(row.indexOf(Math.max(...row))).toBe(5);
    expect(row[4]).toBe(row[6]);
  });

  it('enlarges a two-pixel line about its centre, symmetrically', () => {
    // Columns 5 and 6 of 12: their shared edge, at 6, lands at 6 · 17 / 12 = 8.5, the centre of output column 8.
    const line = { data: new Uint8Array(12 * 12), width: 12, height: 12 };
    for (let y = 0; y < 12; y += 1) line.data.set([255, 255], y * 12 + 5);
    const row = Array.from(resampleGray(line, 17, 17).data.subarray(8 * 17, 9 * 17));
    expect(row[8]).toBe(255);
    expect(row[7]).toBe(row[9]);
    expect(row[7]).toBeGreaterThan(128);
    expect(row[5]).toBeLessThan(32);
  });
});
