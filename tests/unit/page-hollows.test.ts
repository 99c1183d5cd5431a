import { describe, expect, it } from 'vitest';
import type { GrayImage } from '../../functions/serving/preprocessing/decode';
import { pageInk } from '../../functions/serving/preprocessing/page';
import { fillHollows } from '../../functions/serving/preprocessing/page-hollows';
import type { Strokes } from '../../functions/serving/preprocessing/page-strokes';

const PAPER = 230;
const page = (width: number, height: number): GrayImage => ({ data: new Uint8Array(width * height).fill(PAPER), width, height });
const inRing = (x: number, y: number, cx: number, cy: number, radius: number, thickness: number) =>
  Math.abs(Math.hypot(x - cx, y - cy) - radius) <= thickness / 2;

/** Paints a ring `level` dark on a light picture: a "0" written with a felt-tip. */
function paintRing(image: GrayImage, cx: number, cy: number, radius: number, thickness: number, level: number) {
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) if (inRing(x, y, cx, cy, radius, thickness)) image.data[y * image.width + x] = level;
  }
}

/** Strokes as findStrokes gives them: the ink of the ring's pixels listed in `mask`, cropped to them. */
function strokesOf(mask: (x: number, y: number) => boolean, image: GrayImage, ink: number): Strokes {
  let [left, top, right, bottom] = [image.width, image.height, -1, -1];
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      if (!mask(x, y)) continue;
      [left, top, right, bottom] = [Math.min(left, x), Math.min(top, y), Math.max(right, x), Math.max(bottom, y)];
    }
  }
  const [width, height] = [right - left + 1, bottom - top + 1];
  const data = new Uint8Array(width * height);
  let area = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (!mask(left + x, top + y)) continue;
      data[y * width + x] = ink;
      area += 1;
    }
  }
  return { patch: { data, width, height }, box: { left, top, width, height }, area, edge: area, unclear: false };
}

describe('strokes hollowed by the light flattening', () => {
  it('come out solid: a felt-tip "0" whose stroke widens past the flattening square where it closes', () => {
    // 256×192: the flattening's square is 27 px. The ring's stroke is 18 px wide, but where the pen closed the "0" the
    // ink is a disc 44 px across, whose middle the closing takes for paper: the "0" would read open at the top. The
    // ink keeps half the light (too light for the wide closing's rule, which takes only darker ink).
    const image = page(256, 192);
    paintRing(image, 128, 96, 50, 18, 120);
    const inBlob = (x: number, y: number) => Math.hypot(x - 128, y - 46) <= 20;
    for (let y = 0; y < 192; y += 1) for (let x = 0; x < 256; x += 1) if (inBlob(x, y)) image.data[y * 256 + x] = 120;
    const { box, patch } = pageInk(image, { workingSide: 256, strokeWidth: 2.6 }, 20)!;
    let blob = 0;
    let inked = 0;
    for (let y = 0; y < box.height; y += 1) {
      for (let x = 0; x < box.width; x += 1) {
        if (!inBlob(box.left + x, box.top + y)) continue;
        blob += 1;
        if (patch.data[y * box.width + x]! > 0) inked += 1;
      }
    }
    expect(blob).toBeGreaterThan(1000);
    expect(inked / blob).toBeGreaterThan(0.97);
  });

  it('leave a shadow touching the digit as it is: its dark part goes on beyond the digit', () => {
    const image = page(256, 192);
    paintRing(image, 128, 96, 40, 8, 60);
    // A band of shadow as dark as the ink, from the ring to the picture's left edge.
    for (let y = 80; y < 112; y += 1) for (let x = 0; x < 92; x += 1) image.data[y * 256 + x] = 65;
    const strokes = strokesOf((x, y) => inRing(x, y, 128, 96, 40, 8), image, 200);
    expect(fillHollows(image, strokes)).toBe(strokes);
  });

  it('leave a thin stroke with a soft rim as it is: a few rim pixels are not a hollow', () => {
    const image = page(256, 192);
    paintRing(image, 128, 96, 40, 10, 60);
    // The finder kept all but the ring's outermost pixels: they are under 5 % of the strokes' area.
    const strokes = strokesOf((x, y) => inRing(x, y, 128, 96, 40, 9.8), image, 200);
    expect(fillHollows(image, strokes)).toBe(strokes);
    // Had it kept 6 px of the 10, the dark rest is a share to fill: the rule is the share, not a width.
    const thinner = strokesOf((x, y) => inRing(x, y, 128, 96, 40, 6), image, 200);
    expect(fillHollows(image, thinner).area).toBeGreaterThan(thinner.area);
  });
});
