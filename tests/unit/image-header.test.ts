import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../functions/platform/errors';
import { DEFAULT_DECODE_LIMITS } from '../../functions/serving/preprocessing';
import { inspectImage } from '../../functions/serving/preprocessing/decode';

/**
 * inspectImage reads a JPEG's header in JavaScript (image-size) and every other format's with libvips: what it says
 * must be what libvips says, since the decode that follows is libvips'.
 */
const noise = (width: number, height: number) =>
  sharp(
    Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 2654435761) >>> 24),
    {
      raw: { width, height, channels: 3 },
    },
  );

describe('inspectImage', () => {
  it('reads a JPEG’s size and EXIF orientation as libvips does, baseline or progressive, tagged or not', async () => {
    for (const [width, height] of [
      [1, 1],
      [17, 9],
      [400, 300],
      [1203, 1611],
    ] as const) {
      for (const orientation of [undefined, 1, 2, 3, 4, 5, 6, 7, 8]) {
        for (const progressive of [false, true]) {
          const stored = noise(width, height);
          const bytes = await (orientation ? stored.withMetadata({ orientation }) : stored).jpeg({ progressive }).toBuffer();
          const label = `${width}×${height} orientation ${orientation} progressive ${progressive}`;
          const libvips = await sharp(bytes).metadata();
          const header = await inspectImage(bytes, DEFAULT_DECODE_LIMITS);
          expect(header, label).toEqual({
            format: 'jpeg',
            width: libvips.width,
            height: libvips.height,
            ...(libvips.orientation !== undefined && { orientation: libvips.orientation }),
          });
        }
      }
    }
  });

  it('refuses a JPEG with more pixels than allowed, and one cut before its size, as before', async () => {
    const large = await noise(1600, 1000).jpeg().toBuffer();
    const tooLarge = await inspectImage(large, { ...DEFAULT_DECODE_LIMITS, maxPixels: 1_000_000 }).catch((e: unknown) => e);
    expect((tooLarge as InvalidInputError).code).toBe('image-too-large');
    // Cut inside its first segment: no size in JavaScript, so libvips reads it and says it is corrupt.
    const cut = await inspectImage(large.subarray(0, 12), DEFAULT_DECODE_LIMITS).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(InvalidInputError);
    expect((cut as InvalidInputError).code).toBe('corrupt-image');
  });

  it('reads other formats with libvips, frames included', async () => {
    const png = await noise(30, 20).png().toBuffer();
    expect(await inspectImage(png, DEFAULT_DECODE_LIMITS)).toMatchObject({ format: 'png', width: 30, height: 20 });
    const frame = (colour: string) =>
      sharp({ create: { width: 8, height: 8, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const gif = await sharp([await frame('#ff0000'), await frame('#00ff00')], { join: { animated: true } })
      .gif()
      .toBuffer();
    const refused = await inspectImage(gif, DEFAULT_DECODE_LIMITS).catch((e: unknown) => e);
    expect((refused as InvalidInputError).code).toBe('animated-image');
  });
});
