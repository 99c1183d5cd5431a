import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../functions/serving/preprocessing';
import { decodeValue } from '../../functions/serving/preprocessing/decode';
import { flattenLight } from '../../functions/serving/preprocessing/page-light';
import { removeRuling, rulingAngle } from '../../functions/serving/preprocessing/page-ruling';
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

  it('turns a picture as its EXIF orientation says with the same pixels libvips turning it gives', async () => {
    // Noise at 4 sizes: smaller than the side (no shrink), shrunk by under 2, by over 2 (JPEG shrink-on-load) and by
    // 8; odd sizes, so that no block or pixel grid lines up by chance.
    for (const [w, h] of [
      [150, 97],
      [301, 223],
      [517, 389],
      [1611, 1203],
    ] as const) {
      const noise = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(random.next() * 256));
      for (let orientation = 1; orientation <= 8; orientation += 1) {
        const stored = sharp(noise, { raw: { width: w, height: h, channels: 3 } }).withMetadata({ orientation });
        for (const [format, bytes] of [
          ['jpeg', await stored.clone().jpeg({ quality: 90 }).toBuffer()],
          ['png', await stored.clone().png().toBuffer()],
        ] as const) {
          for (const kernel of ['linear', 'lanczos3'] as const) {
            const label = `${w}×${h} ${format} orientation ${orientation} ${kernel}`;
            const byLibvips = await decodeValue(bytes, DEFAULT_DECODE_LIMITS, 200, kernel);
            const turnedHere = await decodeValue(bytes, DEFAULT_DECODE_LIMITS, 200, kernel, orientation);
            expect([turnedHere.width, turnedHere.height], label).toEqual([byLibvips.width, byLibvips.height]);
            expect(Buffer.compare(Buffer.from(turnedHere.data), Buffer.from(byLibvips.data)), label).toBe(0);
          }
        }
      }
    }
    // Turned, the picture is another one: what the comparison above would miss if neither turned it.
    const turned = await sharp(pixels, raw).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
    const [a, b] = await Promise.all([
      decodeValue(turned, DEFAULT_DECODE_LIMITS, 200, 'linear'),
      decodeValue(turned, DEFAULT_DECODE_LIMITS, 200, 'linear', 1),
    ]);
    expect([a.width, a.height]).toEqual([b.height, b.width]);
  }, 60_000);

  it('shrinks with the kernel the model asks for (page.shrinkKernel): the same picture within a few grey levels', async () => {
    const photo = await sharp(pixels, raw)
      .resize(width * 3, height * 3, { kernel: 'nearest' })
      .png()
      .toBuffer();
    const lanczos = await decodeValue(photo, DEFAULT_DECODE_LIMITS, 200);
    const linear = await decodeValue(photo, DEFAULT_DECODE_LIMITS, 200, 'linear');
    expect([linear.width, linear.height]).toEqual([lanczos.width, lanczos.height]);
    let difference = 0;
    for (let i = 0; i < linear.data.length; i += 1) difference += Math.abs(linear.data[i]! - lanczos.data[i]!);
    // Lanczos-3 rings where linear does not, on pixel-sized noise: different pictures, but the same picture.
    expect(difference).toBeGreaterThan(0);
    expect(difference / linear.data.length).toBeLessThan(16);
  });
});

describe('decodeValue on coloured ink and ruling', () => {
  it('reads bright fountain-pen blue as ink, darker than the violet Seyès lines it is as light as in value', async () => {
    // Paper, Seyès fine and 8 mm lines, the red margin, fountain-pen blue, blue ballpoint, black: one column each.
    const colours = [
      [242, 240, 232],
      [150, 155, 215],
      [110, 100, 195],
      [215, 55, 70],
      [40, 90, 200],
      [30, 45, 140],
      [30, 30, 40],
    ];
    const strip = Uint8Array.from(Array.from({ length: 16 }, () => colours.flat()).flat());
    const png = await sharp(strip, { raw: { width: colours.length, height: 16, channels: 3 } })
      .png()
      .toBuffer();
    const { data } = await decodeValue(png, DEFAULT_DECODE_LIMITS, 384);
    const [paper, fine, strong, margin, fountain, ballpoint, black] = Array.from(data.subarray(0, colours.length));
    // The ruling and the margin stay as light as their brightest channel: far lighter than any ink.
    expect([fine, strong, margin]).toEqual([215, 195, 215]);
    expect(paper).toBe(242);
    expect(fountain!).toBeLessThan(strong! - 60);
    expect(ballpoint!).toBeLessThanOrEqual(140);
    expect(black).toBe(40);
  });
});

describe('removeRuling', () => {
  it('takes away lines across the whole picture but keeps a long stroke lying along them (a 7’s bar)', () => {
    const width = 384;
    const height = 288;
    const data = new Uint8Array(width * height);
    for (let y = 4; y < height; y += 8) data.fill(60, y * width, (y + 1) * width);
    for (let y = 140; y < 152; y += 1) data.fill(200, y * width + 110, y * width + 270);
    const { ink } = removeRuling({ data, width, height });
    // Rows of ruling in the open: gone.
    expect(ink.data[20 * width + 30]).toBeLessThan(10);
    expect(ink.data[276 * width + 350]).toBeLessThan(10);
    // The bar, 160 px long and as straight as the ruling: kept at nearly its darkness over its whole length.
    for (const x of [115, 190, 265]) expect(ink.data[146 * width + x], `x ${x}`).toBeGreaterThan(180);
  });
});

describe('rulingAngle', () => {
  const sheetWidth = 384;
  const sheetHeight = 288;
  /** Ruling every 10 px, turned by `degrees` (clockwise, as the search reports it), as ink on black. */
  const ruled = (degrees: number) => {
    const angle = (degrees * Math.PI) / 180;
    const data = new Uint8Array(sheetWidth * sheetHeight);
    for (let y = 0; y < sheetHeight; y += 1) {
      for (let x = 0; x < sheetWidth; x += 1) {
        const across = y * Math.cos(angle) - x * Math.sin(angle);
        data[y * sheetWidth + x] = ((across % 10) + 10) % 10 < 1.5 ? 90 : 0;
      }
    }
    return { data, width: sheetWidth, height: sheetHeight };
  };

  it('finds each sheet’s angle, pictures of one size after another (the search keeps the geometry, not the pixels)', () => {
    for (const degrees of [6, -9, 6, 0, 12.5, -9])
      expect(Math.abs(rulingAngle(ruled(degrees)) - degrees), `${degrees}°`).toBeLessThanOrEqual(0.5);
  });

  it('finds the same angle climbing from the coarse one as trying every quarter degree near it (page.angleRefine)', () => {
    for (const degrees of [-17.4, -6.1, 0.6, 3.35, 13.9, 19.2]) {
      const picture = ruled(degrees);
      const every = rulingAngle(picture);
      expect(Math.abs(every - degrees), `${degrees}°`).toBeLessThanOrEqual(0.5);
      expect(rulingAngle(picture, 'climb'), `${degrees}°`).toBe(every);
    }
  });
});

describe('flattenLight', () => {
  // 0: the closing on every pixel (versions before 1.3.0); 1: on a copy pooled by 2 (`page.lightPool` 2).
  it.each([0, 1])(
    'gives every pixel 255 · (1 − value / paper level), the paper level being the closing of the picture (pool shift %i)',
    (poolShift) => {
      // Even paper (the closing is the paper itself) with a few dark dots narrower than the closing window.
      const paperLevel = 200;
      const image = { data: new Uint8Array(64 * 64).fill(paperLevel), width: 64, height: 64 };
      const dots = [0, 17, 60, 123, 199];
      dots.forEach((value, k) => (image.data[(10 + 9 * k) * 64 + 20 + 7 * k] = value));
      const flat = flattenLight(image, poolShift);
      dots.forEach((value, k) => {
        const expected = Math.max(0, Math.trunc(255 - (255 * value) / paperLevel));
        expect(flat.data[(10 + 9 * k) * 64 + 20 + 7 * k], `value ${value}`).toBe(expected);
      });
      expect(flat.data[0]).toBe(0);
    },
  );

  it.each([0, 1])(
    'keeps a stroke wider than the closing window dark throughout, and the paper in a hand’s shadow light (pool shift %i)',
    (poolShift) => {
      // A 384×288 page: paper at 210, its left third in a shadow that keeps 45 % of the light, and a felt-tip ring
      // (black ink at 40) whose stroke, 60 px, is wider than the 41-px closing square.
      const width = 384;
      const height = 288;
      const data = new Uint8Array(width * height);
      for (let y = 0; y < height; y += 1) {
        for (let x = 0; x < width; x += 1) {
          const r = Math.hypot(x - 250, y - 144);
          data[y * width + x] = r > 50 && r < 110 ? 40 : x < 128 ? 95 : 210;
        }
      }
      const flat = flattenLight({ data, width, height }, poolShift);
      // The middle of the stroke, 30 px from both its edges: ink, not a hollow outline.
      for (const [x, y] of [
        [330, 144],
        [250, 64],
        [170, 144],
      ]) {
        expect(flat.data[y! * width + x!], `(${x}, ${y})`).toBeGreaterThan(150);
      }
      // Inside the shadow and on the lit paper: paper.
      for (const x of [20, 64, 120, 140, 370]) expect(flat.data[144 * width + x], `x ${x}`).toBeLessThan(30);
    },
  );
});
