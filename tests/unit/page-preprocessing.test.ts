import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../functions/platform/errors';
import type { MnistInputSpec } from '../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, mnistPixels } from '../../functions/serving/preprocessing';
import { pageInk } from '../../functions/serving/preprocessing/page';
import { photographPage, REALISTIC_SET } from '../../scripts/evaluation/pages/set';
import { PAGE_INPUT } from '../../scripts/evaluation/pages/training';
import type { PageConditions } from '../../scripts/evaluation/pages/conditions';
import { heldOutDigits, renderMnistPng } from '../../scripts/samples/mnist';
import sharp from 'sharp';

/**
 * The page preprocessing (issue #14) on photographed pages of held-out digits: what it fits in the 28×28 canvas
 * must look like what it fits from the digit's own MNIST picture, whatever the paper, light and camera.
 */
const spec = PAGE_INPUT;
const page = PAGE_INPUT.page!;
const withoutPage: MnistInputSpec = { ...spec, page: undefined };
const digits = heldOutDigits({ method: 'per-class-tail', heldOutFraction: 0.15 });
const samples = [3, 170, 330, 480, 640, 790, 930, 1080, 1240, 1400].map((i) => digits[i]!);

function correlation(a: Uint8Array, b: Uint8Array): number {
  const mean = (v: Uint8Array) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i += 1) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return aa && bb ? ab / Math.sqrt(aa * bb) : 0;
}

async function likeness(conditions: Partial<PageConditions>, fitSpec: MnistInputSpec): Promise<number> {
  let total = 0;
  for (const [i, digit] of samples.entries()) {
    const photo = await photographPage(i, digit, REALISTIC_SET, conditions);
    const fromPage = await mnistPixels(photo.bytes, fitSpec, DEFAULT_DECODE_LIMITS);
    const fromMnist = await mnistPixels(await renderMnistPng(digit), fitSpec, DEFAULT_DECODE_LIMITS);
    total += correlation(fromPage.data, fromMnist.data);
  }
  return total / samples.length;
}

/** Pixel likeness is for the page's conditions; turning the digit is left to the model, so the sheet is straight. */
const hard = { width: 1600, height: 1200, lighting: 'shadow', rotationDegrees: 0, exifOrientation: 6, jpegQuality: 60 } as const;

describe('page preprocessing on photographed pages', () => {
  it.each(['seyes', 'squared', 'plain'] as const)(
    'finds the digit on %s paper under a shadow',
    async (paper) => {
      const like = await likeness({ ...hard, paper, ink: 'ballpoint-blue' }, spec);
      expect(like).toBeGreaterThan(0.65);
    },
    60_000,
  );

  it('finds faint pencil strokes on Seyès paper', async () => {
    expect(await likeness({ ...hard, paper: 'seyes', ink: 'pencil' }, spec)).toBeGreaterThan(0.65);
  }, 60_000);

  // 1.3.0: light on a pooled copy, patch resized in process; 1.4.0 also: shrunk with a linear kernel, angle climbed.
  const cheaperPages = [
    { lightPool: 2, patchResize: 'in-process' },
    { lightPool: 2, patchResize: 'in-process', shrinkKernel: 'linear', angleRefine: 'climb' },
  ] as const;
  it.each(cheaperPages)(
    'finds it as well with the cheaper page work of digits 1.3.0 and 1.4.0 (%o)',
    async (options) => {
      const cheaper: MnistInputSpec = { ...spec, page: { ...page, ...options } };
      const conditions = { ...hard, paper: 'seyes', ink: 'ballpoint-blue' } as const;
      expect(await likeness(conditions, cheaper)).toBeGreaterThan(0.65);
      let total = 0;
      for (const [i, digit] of samples.entries()) {
        const photo = await photographPage(i, digit, REALISTIC_SET, conditions);
        const full = await mnistPixels(photo.bytes, spec, DEFAULT_DECODE_LIMITS);
        total += correlation((await mnistPixels(photo.bytes, cheaper, DEFAULT_DECODE_LIMITS)).data, full.data);
      }
      expect(total / samples.length).toBeGreaterThan(0.9);
    },
    60_000,
  );

  it('is needed: cropping to all the ink, as before, does not find the digit on such a page', async () => {
    expect(await likeness({ ...hard, paper: 'seyes', ink: 'ballpoint-blue' }, withoutPage)).toBeLessThan(0.5);
  }, 60_000);

  it('finds nothing on ruled pages with nothing written: an empty canvas, or no-ink when the ruling is faint', async () => {
    for (let i = 0; i < 6; i += 1) {
      const paper = i % 2 ? 'seyes' : 'squared';
      const photo = await photographPage(i, undefined, REALISTIC_SET, { ...hard, paper });
      const fitted = await mnistPixels(photo.bytes, spec, DEFAULT_DECODE_LIMITS).catch((e: unknown) => e);
      if (fitted instanceof InvalidInputError) expect(fitted.code).toBe('no-ink');
      else expect((fitted as { data: Uint8Array }).data.every((v) => v === 0)).toBe(true);
    }
  }, 60_000);

  it('keeps a digit already cropped MNIST-style as MNIST fits it', async () => {
    let total = 0;
    for (const digit of samples) {
      const fitted = await mnistPixels(await renderMnistPng(digit), spec, DEFAULT_DECODE_LIMITS);
      total += correlation(fitted.data, digit.pixels);
    }
    expect(total / samples.length).toBeGreaterThan(0.75);
  });

  it('still refuses a blank picture with no-ink', async () => {
    const blank = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#f4f2ea' } })
      .jpeg()
      .toBuffer();
    const error = await mnistPixels(blank, spec, DEFAULT_DECODE_LIMITS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('no-ink');
  });
});

describe('pageInk', () => {
  it('reads a page mostly in shadow (dark border) as dark ink on paper, not as light ink on black', () => {
    // Paper at 235, its left three quarters in a shadow at 95, a ring of ink (a 0) at 30 inside the shadow.
    const [width, height] = [240, 180];
    const data = new Uint8Array(width * height);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const ring = Math.abs(Math.hypot((x - 90) / 18, (y - 90) / 26) - 1) < 0.18;
        data[y * width + x] = ring ? 30 : x < 180 ? 95 : 235;
      }
    }
    const found = pageInk({ data, width, height }, page, 20);
    // The ring's outer edge spans x 69–111 and y 59–121; read inverted, the hole inside it (about 76–104) is found.
    const box = found?.box ?? { left: 0, top: 0, width: 0, height: 0 };
    expect(box.left).toBeGreaterThanOrEqual(66);
    expect(box.left).toBeLessThanOrEqual(71);
    expect(box.width).toBeGreaterThanOrEqual(40);
    expect(box.height).toBeGreaterThanOrEqual(56);
  });
});
