import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import type { GrayImage } from '../../functions/serving/preprocessing/decode';
import { findStrokes } from '../../functions/serving/preprocessing/page-strokes';
import { PAGE_INPUT } from '../../scripts/evaluation/pages/training';

/** A blank ink picture (0 is paper). */
const blank = (width: number, height: number): GrayImage => ({ data: new Uint8Array(width * height), width, height });

/** A ring of ink `level` dark, `thickness` px wide, centred at (cx, cy): a written "0". */
function ring(image: GrayImage, cx: number, cy: number, radius: number, thickness: number, level: number) {
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      const d = Math.hypot(x - cx, y - cy);
      if (Math.abs(d - radius) <= thickness / 2) image.data[y * image.width + x] = level;
    }
  }
}

describe('findStrokes', () => {
  it('finds a digit written in faint ink (fountain-pen blue, soft pencil), under the usual peak floor', () => {
    const ink = blank(300, 220);
    ring(ink, 150, 110, 30, 5, 50);
    const strokes = findStrokes(ink);
    expect(strokes?.box).toEqual({ left: 118, top: 78, width: 65, height: 65 });
  });

  it('does not read faint specks left by ruling as a digit', () => {
    const ink = blank(300, 220);
    // A patch of specks: compact, but not evenly dark as a stroke is (a few pixels at 50, the rest at the floor).
    for (let y = 90; y < 130; y += 1) {
      for (let x = 130; x < 170; x += 1) ink.data[y * 300 + x] = (x * 7 + y * 13) % 11 === 0 ? 50 : 15;
    }
    expect(findStrokes(ink)).toBeUndefined();
  });

  it('splits a digit from a faint ruling line that joins it to the picture edge', () => {
    const ink = blank(300, 220);
    ring(ink, 150, 110, 30, 5, 100);
    // What is left of a ruling line through the digit, across the whole picture: above a quarter of the ink.
    for (let x = 0; x < 300; x += 1) ink.data[110 * 300 + x] = Math.max(ink.data[110 * 300 + x]!, 35);
    const strokes = findStrokes(ink);
    expect(strokes?.box).toEqual({ left: 118, top: 78, width: 65, height: 65 });
  });

  it('does not take a small piece of a shadow edge split from the picture border for a digit', () => {
    const ink = blank(300, 220);
    // A soft dark patch on the left border, darkest ten pixels in: the highest low share cuts its core off the border.
    for (let y = 100; y < 130; y += 1) {
      for (let x = 0; x < 20; x += 1) ink.data[y * 300 + x] = Math.max(0, 90 - 6 * Math.abs(x - 10) - 6 * Math.abs(y - 115));
    }
    expect(findStrokes(ink)).toBeUndefined();
  });
});

describe('preprocessImage on a page', () => {
  /** A photographed page (paper at 230) with a ring written `darkness` (of 255) below the paper, as a PNG. */
  async function pagePhoto(darkness: number): Promise<Buffer> {
    const picture = blank(400, 300);
    ring(picture, 200, 150, 45, 8, 1);
    const ink = Math.round(230 * (1 - darkness / 255));
    const pixels = Uint8Array.from(picture.data, (v) => (v ? ink : 230));
    return sharp(Buffer.from(pixels), { raw: { width: 400, height: 300, channels: 1 } })
      .png()
      .toBuffer();
  }

  it('says when the digit was found only as faint ink, so that its answer is flagged', async () => {
    const faint = await preprocessImage(await pagePhoto(40), PAGE_INPUT, DEFAULT_DECODE_LIMITS);
    expect(faint.unclearWriting).toBe(true);
    expect(faint.tensor.data.some((v) => v > 0)).toBe(true);
    const dark = await preprocessImage(await pagePhoto(180), PAGE_INPUT, DEFAULT_DECODE_LIMITS);
    expect(dark.unclearWriting).toBeUndefined();
  });
});
