import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { MnistInputSpec } from '../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, mnistPixels } from '../../functions/serving/preprocessing';
import { PAGE_INPUT } from '../../scripts/evaluation/pages/training';

/**
 * A faint page (digits 1.8.0's `input.page.blankBelow`): a small digit in a thin, light pen on a large photo keeps
 * only a few faint pixels once shrunk to the working size, under the contrast that says a page is blank. With
 * `blankBelow` such a page is read when a stroke is found on it, its answer flagged; a faint page with no stroke, and
 * a page under `blankBelow`, stay blank (no-ink).
 */
const SIDE = { width: 1200, height: 1800 };
const PAPER = '#ece8f2';

/** A photo of a light page with a "4" `height` pixels high drawn in `ink`, `stroke` pixels wide (none: a blank). */
async function page(ink?: string, height = 90, stroke = 6): Promise<Buffer> {
  const [x, y] = [760, 900];
  const four = ink
    ? `<path d="M ${x + 0.45 * height} ${y} L ${x} ${y + 0.65 * height} L ${x + 0.6 * height} ${y + 0.65 * height}
        M ${x + 0.45 * height} ${y} L ${x + 0.45 * height} ${y + height}" fill="none" stroke="${ink}"
        stroke-width="${stroke}" stroke-linecap="round" stroke-linejoin="round"/>`
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIDE.width}" height="${SIDE.height}">
    <rect width="100%" height="100%" fill="${PAPER}"/>${four}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

const spec = (blankBelow?: number): MnistInputSpec => ({
  ...PAGE_INPUT,
  page: { ...PAGE_INPUT.page!, ...(blankBelow !== undefined && { blankBelow }) },
});
const inked = (pixels: Uint8Array) => pixels.filter((v) => v >= 77).length;

describe('a faint page (input.page.blankBelow)', () => {
  it('is said blank without it, though a small digit in fountain-pen blue is on it', async () => {
    await expect(mnistPixels(await page('#3f56c8'), spec(), DEFAULT_DECODE_LIMITS)).rejects.toMatchObject({
      code: 'no-ink',
    });
  });

  it('is read with it, the digit found whole and the answer flagged unclear', async () => {
    const faint = await mnistPixels(await page('#3f56c8'), spec(12), DEFAULT_DECODE_LIMITS);
    expect(faint.unclear).toBe(true);
    // The same "4" in dark ink is read on any version, not flagged: the faint one's fit must look like it.
    const dark = await mnistPixels(await page('#1c2a80'), spec(12), DEFAULT_DECODE_LIMITS);
    expect(dark.unclear).toBeUndefined();
    expect(inked(faint.data)).toBeGreaterThan(0.6 * inked(dark.data));
    const overlap = faint.data.filter((v, i) => v >= 77 && dark.data[i]! >= 77).length;
    expect(overlap).toBeGreaterThan(0.6 * inked(faint.data));
  });

  it('leaves a blank page blank, and a page under blankBelow blank', async () => {
    await expect(mnistPixels(await page(), spec(12), DEFAULT_DECODE_LIMITS)).rejects.toMatchObject({ code: 'no-ink' });
    // Ink 5 levels from the paper: under any floor a version may set.
    await expect(mnistPixels(await page('#e6e2ec'), spec(12), DEFAULT_DECODE_LIMITS)).rejects.toMatchObject({
      code: 'no-ink',
    });
  });

  it('changes nothing on a page dark enough for the rules', async () => {
    const bytes = await page('#1c2a80', 400, 14);
    const without = await mnistPixels(bytes, spec(), DEFAULT_DECODE_LIMITS);
    const withIt = await mnistPixels(bytes, spec(12), DEFAULT_DECODE_LIMITS);
    expect(Buffer.from(withIt.data).equals(Buffer.from(without.data))).toBe(true);
    expect(withIt.unclear).toBe(without.unclear);
  });
});
