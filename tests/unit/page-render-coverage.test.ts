import { describe, expect, it } from 'vitest';
import { drawConditions } from '../../scripts/evaluation/pages/conditions';
import { seededRandom } from '../../scripts/evaluation/pages/random';
import { renderPage } from '../../scripts/evaluation/pages/render';
import { trainingDigits } from '../../scripts/samples/mnist';

/**
 * The realistic painter can say where it put the digit's ink (scripts/evaluation/pages/ink-masks.ts, the truth an
 * ink/paper segmentation learns from), without drawing the page any differently: the frozen sets depend on that.
 */
const digit = trainingDigits({ method: 'per-class-tail', heldOutFraction: 0.15 })[12]!;

function paint(index: number, coverage?: Float32Array, pixels: Uint8Array | null = digit.pixels) {
  const random = seededRandom(99 * 1_000_003 + index);
  const c = drawConditions(index, random, 800, 480);
  const scale = 320 / Math.max(c.width, c.height);
  const [width, height] = [Math.round(c.width * scale), Math.round(c.height * scale)];
  return { page: renderPage(c, pixels ?? undefined, width, height, random, coverage), width, height };
}

describe('renderPage with an ink coverage', () => {
  it('draws the same page, and covers the digit’s strokes only: dark pixels, in one compact region', () => {
    for (const index of [0, 5, 7]) {
      const plain = paint(index);
      const coverage = new Float32Array(plain.width * plain.height);
      const covered = paint(index, coverage);
      expect(Buffer.compare(Buffer.from(covered.page.data), Buffer.from(plain.page.data))).toBe(0);
      const inked = [...coverage.keys()].filter((i) => coverage[i]! > 0.5);
      expect(inked.length).toBeGreaterThan(50);
      expect(coverage.every((v) => v >= 0 && v <= 1)).toBe(true);
      // Where the ink covers the pixel, the page is darker than the paper around (the value, its brightest channel).
      const value = (i: number) => Math.max(...plain.page.data.subarray(i * 3, i * 3 + 3));
      const paper = [...coverage.keys()].filter((i) => coverage[i] === 0);
      const mean = (list: number[]) => list.reduce((s, i) => s + value(i), 0) / list.length;
      expect(mean(inked)).toBeLessThan(mean(paper) - 30);
      const xs = inked.map((i) => i % plain.width);
      expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(plain.width / 2);
    }
  });

  it('leaves a page with nothing written uncovered', () => {
    const blank = paint(3, undefined, null);
    const coverage = new Float32Array(blank.width * blank.height);
    paint(3, coverage, null);
    expect(coverage.every((v) => v === 0)).toBe(true);
  });
});
