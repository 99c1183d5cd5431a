import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../functions/serving/preprocessing';
import { decodeValue } from '../../functions/serving/preprocessing/decode';
import { flattenLight } from '../../functions/serving/preprocessing/page-light';
import { seededRandom } from '../../scripts/evaluation/pages/random';

/** The page path's decode and light flattening, against what they stand for (issue #27's cheaper page work). */
const random = seededRandom(27);
const width = 120;
const height = 90;
/** Blue ink, violet ruling and a cream paper: a picture whose colours a colour profile would move. */
const pixels = Uint8Array.from({ length: width * height * 3 }, (_, i) =>
  i % 3 === 2 ? 150 + Math.floor(random.next() * 100) : Math.floor(random.next() * 256),
);
const raw = { raw: { width, height, channels: 3 as const } };

/** The PNG without its colour profile chunk (iCCP): the same stored pixels, untagged. */
function withoutProfile(png: Buffer): Buffer {
  const chunks = [png.subarray(0, 8)];
  for (let at = 8; at < png.length;) {
    const end = at + 12 + png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) !== 'iCCP') chunks.push(png.subarray(at, end));
    at = end;
  }
  return Buffer.concat(chunks);
}

describe('decodeValue', () => {
  it('reads a photo tagged with a wide-gamut colour profile as the same pixels untagged (the transform is skipped)', async () => {
    const tagged = await sharp(pixels, raw).withIccProfile('p3', { attach: true }).png().toBuffer();
    const untagged = withoutProfile(tagged);
    expect((await sharp(tagged).metadata()).icc).toBeInstanceOf(Buffer);
    expect((await sharp(untagged).metadata()).icc).toBeUndefined();
    // A decoder that applied the profile would read other pixels: what this test exists to catch.
    const [converted, stored] = await Promise.all([sharp(tagged).raw().toBuffer(), sharp(untagged).raw().toBuffer()]);
    expect(Buffer.compare(converted, stored)).not.toBe(0);
    const a = await decodeValue(untagged, DEFAULT_DECODE_LIMITS, 384);
    const b = await decodeValue(tagged, DEFAULT_DECODE_LIMITS, 384);
    expect([b.width, b.height]).toEqual([width, height]);
    expect(Buffer.compare(Buffer.from(b.data), Buffer.from(a.data))).toBe(0);
  });
});

describe('flattenLight', () => {
  it('gives every pixel 255 · (1 − value / paper level), the paper level being the closing of the picture', () => {
    // Even paper (the closing is the paper itself) with a few dark dots narrower than the closing window.
    const paperLevel = 200;
    const image = { data: new Uint8Array(64 * 64).fill(paperLevel), width: 64, height: 64 };
    const dots = [0, 17, 60, 123, 199];
    dots.forEach((value, k) => (image.data[(10 + 9 * k) * 64 + 20 + 7 * k] = value));
    const flat = flattenLight(image);
    dots.forEach((value, k) => {
      const expected = Math.max(0, Math.trunc(255 - (255 * value) / paperLevel));
      expect(flat.data[(10 + 9 * k) * 64 + 20 + 7 * k], `value ${value}`).toBe(expected);
    });
    expect(flat.data[0]).toBe(0);
  });
});
