import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../functions/platform/errors';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { heldOutDigits, renderMnistPng, renderPaperJpeg, type DigitSample } from '../../scripts/samples/mnist';
import { digitsMetadata } from '../support/models';
import { imageInputOf } from '../../functions/serving/model-spec';

/** Real sharp on real digits: what the serving path does to pictures before the model sees them. */
const metadata = digitsMetadata();
const spec = imageInputOf(metadata);
const limits = DEFAULT_DECODE_LIMITS;
let seven: DigitSample;

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const mean = (x: ArrayLike<number>) => Array.from(x).reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i += 1) {
    num += ((a[i] ?? 0) - ma) * ((b[i] ?? 0) - mb);
    da += ((a[i] ?? 0) - ma) ** 2;
    db += ((b[i] ?? 0) - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

async function expectRejected(bytes: Uint8Array, code: string, options = limits) {
  const error = await preprocessImage(bytes, spec, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidInputError);
  expect((error as InvalidInputError).code).toBe(code);
}

beforeAll(() => {
  seven = heldOutDigits(metadata.training.data.split).find((sample) => sample.label === '7')!;
});

describe('preprocessImage with the digits spec', () => {
  it('gives the [1,1,28,28] tensor, normalised as in training', async () => {
    const { tensor, source } = await preprocessImage(await renderMnistPng(seven), spec, limits);
    expect(tensor.dims).toEqual([1, 1, 28, 28]);
    const background = (0 - spec.normalisation.mean[0]!) / spec.normalisation.std[0]!;
    expect(tensor.data[0]).toBeCloseTo(background, 5);
    expect(Math.max(...tensor.data)).toBeCloseTo((1 - spec.normalisation.mean[0]!) / spec.normalisation.std[0]!, 5);
    expect(source).toEqual({ format: 'png', width: 28, height: 28 });
  });

  it('reproduces the MNIST digit from a photo-like dark-on-light enlargement', async () => {
    const mnist = await preprocessImage(await renderMnistPng(seven), spec, limits);
    const paper = await preprocessImage(await renderPaperJpeg(seven, 6), spec, limits);
    expect(correlation(mnist.tensor.data, paper.tensor.data)).toBeGreaterThan(0.9);
  });

  it('honours EXIF orientation', async () => {
    // Prepare: the picture stored rotated, with the EXIF tag (6: rotate 90° clockwise) that sets it upright.
    const upright = await renderPaperJpeg(seven);
    const stored = await sharp(upright).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const storedWithoutTag = await sharp(upright).rotate(270).jpeg({ quality: 95 }).toBuffer();
    // Act
    const expected = await preprocessImage(upright, spec, limits);
    const tagged = await preprocessImage(stored, spec, limits);
    const untagged = await preprocessImage(storedWithoutTag, spec, limits);
    // Assess
    expect(correlation(expected.tensor.data, tagged.tensor.data)).toBeGreaterThan(0.95);
    expect(correlation(expected.tensor.data, untagged.tensor.data)).toBeLessThan(0.8);
    const { width, height } = await sharp(upright).metadata();
    expect(tagged.source).toMatchObject({ width, height });
  });

  it('lays transparent pictures on white paper', async () => {
    const alpha = await sharp({ create: { width: 60, height: 60, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([
        {
          input: await sharp({ create: { width: 8, height: 40, channels: 4, background: '#000000ff' } })
            .png()
            .toBuffer(),
          left: 26,
          top: 10,
        },
      ])
      .png()
      .toBuffer();
    const { tensor } = await preprocessImage(alpha, spec, limits);
    expect(tensor.data.filter((v) => v > 0).length).toBeGreaterThan(20);
  });

  it('refuses what it cannot read, with a reason', async () => {
    await expectRejected(new TextEncoder().encode('just text, named .png'), 'unsupported-image');
    const truncated = (await renderPaperJpeg(seven)).subarray(0, 300);
    await expectRejected(truncated, 'corrupt-image');
    const blank = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#f4f4f4' } })
      .png()
      .toBuffer();
    await expectRejected(blank, 'no-ink');
  });

  it('refuses a picture with more pixels than allowed before decoding it', async () => {
    const large = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    await expectRejected(large, 'image-too-large', { ...DEFAULT_DECODE_LIMITS, maxPixels: 1_000_000 });
  });
});
