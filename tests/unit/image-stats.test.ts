import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { MnistInputSpec } from '../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { decodeGray } from '../../functions/serving/preprocessing/decode';
import { imageStatistics } from '../../functions/serving/preprocessing/image-stats';
import { ModelRegistry } from '../../functions/serving/registry';
import { photographPage, REALISTIC_SET } from '../../scripts/evaluation/pages/set';
import { heldOutDigits, renderMnistPng } from '../../scripts/samples/mnist';

/** The drift statistics of a picture (#24), read from the decode its preprocessing made (issue #27's cost). */
const registry = new ModelRegistry('models');
const digits = heldOutDigits({ method: 'per-class-tail', heldOutFraction: 0.15 });
const specOf = async (version: string) => (await registry.inspect('digits', version)).metadata.input as MnistInputSpec;

/** Mean and standard deviation of a decode, as the statistics define them. */
function levels({ data }: { data: Uint8Array }) {
  const mean = data.reduce((s, v) => s + v, 0) / data.length;
  return { brightness: mean, contrast: Math.sqrt(data.reduce((s, v) => s + (v - mean) ** 2, 0) / data.length) };
}

describe('imageStatistics', () => {
  it('reads a page photo where the page work decoded it, without decoding it again', async () => {
    const photo = await photographPage(3, digits[40], REALISTIC_SET, { width: 480, height: 360, jpegQuality: 85 });
    const prepared = await preprocessImage(photo.bytes, await specOf('1.4.0'), DEFAULT_DECODE_LIMITS);
    expect(prepared.picture).toBeDefined();
    // Bytes that are no picture: a second decode would throw.
    const statistics = await imageStatistics(new Uint8Array([1, 2, 3]), prepared, DEFAULT_DECODE_LIMITS);
    expect(statistics).toEqual({ width: 480, height: 360, ...levels(prepared.picture!) });
  });

  it.each(['1.0.0', '1.4.0'])(
    'gives an MNIST picture (what the baselines are built from) the same figures as a grey decode (digits %s)',
    async (version) => {
      for (const digit of digits.slice(0, 5)) {
        const png = await renderMnistPng(digit);
        const prepared = await preprocessImage(png, await specOf(version), DEFAULT_DECODE_LIMITS);
        const statistics = await imageStatistics(png, prepared, DEFAULT_DECODE_LIMITS);
        expect(statistics).toEqual({ width: 28, height: 28, ...levels(await decodeGray(png, DEFAULT_DECODE_LIMITS)) });
      }
    },
  );

  it('decodes a picture no digit fit prepared (a letterboxed frame) to grey for them', async () => {
    const frame = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#405060' } })
      .png()
      .toBuffer();
    const statistics = await imageStatistics(frame, { source: { format: 'png', width: 64, height: 48 } }, DEFAULT_DECODE_LIMITS);
    expect(statistics).toEqual({ width: 64, height: 48, ...levels(await decodeGray(frame, DEFAULT_DECODE_LIMITS)) });
    expect(statistics.contrast).toBe(0);
  });
});
