import { describe, expect, it } from 'vitest';
import { inkSegmenterOf } from '../../functions/serving/inference/ink-segmenter';
import { ModelPackageError } from '../../functions/platform/errors';
import type { MnistInputSpec } from '../../functions/serving/model-spec';
import sharp from 'sharp';
import { DEFAULT_DECODE_LIMITS, preprocessImage, readPageAgain } from '../../functions/serving/preprocessing';
import { ModelRegistry } from '../../functions/serving/registry';
import { servePage } from '../support/serve-page';

/** Digits 1.6.0's ink segmenter (D40), through ONNX Runtime: where it finds ink, and what it leaves alone. */
const registry = new ModelRegistry('models');
const [width, height] = [256, 192];
/** A page at the working size: paper at 225, with a ring of ink (60) of radius 50 and 8 px wide, or blank. */
const page = (ring: boolean) => ({
  data: Uint8Array.from({ length: width * height }, (_, i) =>
    ring && Math.abs(Math.hypot((i % width) - 128, Math.floor(i / width) - 96) - 50) <= 4 ? 60 : 225,
  ),
  width,
  height,
});
const onRing = (i: number) => Math.abs(Math.hypot((i % width) - 128, Math.floor(i / width) - 96) - 50) <= 6;

describe('the ink segmenter', () => {
  it('finds the ink of a ring drawn on paper at the page’s size, and nothing on blank paper', async () => {
    const segment = inkSegmenterOf(await registry.inspect('digits', '1.6.0'))!;
    const ring = page(true);
    const ink = (await segment(ring))!;
    expect([ink.width, ink.height]).toEqual([width, height]);
    const found = [...ink.data.keys()].filter((i) => ink.data[i]! > 0);
    const truth = [...ring.data.keys()].filter((i) => ring.data[i] === 60);
    expect(found.filter(onRing).length / found.length).toBeGreaterThan(0.95);
    expect(truth.filter((i) => ink.data[i]! > 0).length / truth.length).toBeGreaterThan(0.8);
    expect((await segment(page(false)))!.data.every((v) => v === 0)).toBe(true);
  });

  it('does not read light ink on black (an MNIST picture), so that reading is left out of the second look', async () => {
    const model = await registry.inspect('digits', '1.6.0');
    const ring = page(true);
    const dark = { ...ring, data: ring.data.map((v) => 255 - v) };
    expect(await inkSegmenterOf(model)!(dark)).toBeUndefined();
    expect(await readPageAgain(dark, model.metadata.input as MnistInputSpec, inkSegmenterOf(model))).toEqual([]);
    expect(await readPageAgain(ring, model.metadata.input as MnistInputSpec, inkSegmenterOf(model))).toHaveLength(1);
  });

  it('is absent from versions that ship none, and refused when its bytes are not the ones the metadata names', async () => {
    expect(inkSegmenterOf(await registry.inspect('digits', '1.5.0'))).toBeUndefined();
    const model = await registry.inspect('digits', '1.6.0');
    const spec = model.metadata.input as MnistInputSpec;
    const swapped = {
      ...model,
      metadata: {
        ...model.metadata,
        version: '1.6.0-swapped',
        input: { ...spec, page: { ...spec.page!, inkSegmenter: { ...spec.page!.inkSegmenter!, sha256: '0'.repeat(64) } } },
      },
    };
    await expect(inkSegmenterOf(swapped)!(page(true))).rejects.toBeInstanceOf(ModelPackageError);
    await expect(readPageAgain(page(true), spec)).rejects.toThrow(/ink segmenter/);
  });
});

/** A 400×300 photo (JPEG) of `shade` at (x, y), as a phone would send it. */
const photo = (shade: (x: number, y: number) => number) =>
  sharp(Buffer.from(Uint8Array.from({ length: 400 * 300 }, (_, i) => shade(i % 400, Math.floor(i / 400)))), {
    raw: { width: 400, height: 300, channels: 1 },
  })
    .jpeg({ quality: 85 })
    .toBuffer();

describe('a page the rules find no ink on', () => {
  it('is read from the segmenter’s ink where it finds the digit: flagged unclear-writing, read once', async () => {
    // A "0" of ink only 15 levels darker than the paper: under the rules' contrast floor (no-ink), not the network's.
    const bytes = await photo((x, y) => (Math.abs(Math.hypot(x - 200, y - 150) - 45) <= 4 ? 215 : 230));
    await expect(servePage(bytes, '1.5.0')).rejects.toMatchObject({ code: 'no-ink' });
    const { prepared, answer } = await servePage(bytes, '1.6.0');
    expect(prepared).toMatchObject({ inkSegmented: true, unclearWriting: true });
    expect(answer).toMatchObject({ label: '0', uncertain: true, reason: 'unclear-writing' });
    expect(answer).not.toHaveProperty('readings');
  });

  it('is still refused as blank where the segmenter finds nothing either (even paper, a gradient, a shadow)', async () => {
    const model = await registry.inspect('digits', '1.6.0');
    const blanks = [
      () => 230,
      (x: number) => 150 + x / 4,
      (x: number, y: number) => 235 * (1 - 0.4 / (1 + Math.exp((Math.hypot(x - 150, y - 120) - 90) / 15))),
    ];
    for (const shade of blanks) {
      const prepared = preprocessImage(
        await photo(shade),
        model.metadata.input as MnistInputSpec,
        DEFAULT_DECODE_LIMITS,
        inkSegmenterOf(model),
      );
      await expect(prepared).rejects.toMatchObject({ code: 'no-ink' });
    }
  });
});
