/**
 * `npx tsx scripts/evaluation/pages/ink-masks.ts [pages] [--from <i>]`: pages photographed as the training pages are
 * (training digits only, the realistic painter, another seed), each with the truth of where its ink is: the picture
 * as the page work decodes it (its value, models/digits README) at 128 px, and the share of each pixel the digit's
 * ink covers, for learning an ink/paper segmentation (issue #27's next step; models/digits/train_segmenter.py).
 * Every other page is drawn harder than the training pages, in the conditions issue #27 describes the hidden photos
 * in (never from the independent sets' generator): the digit 30–85 % of the shorter side, turned up to 20°, its glyph
 * thickened by one pixel (one time in three) or two (one in five), one in three in washable fountain-pen blue, one in
 * two under the soft, round shadow of a hand or phone. Written under .local/digit-pages/ink-masks/ as value.u8 and
 * coverage.u8 (pages × 128 × 128, padded with paper: 250 and no ink) and spec.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_DECODE_LIMITS } from '../../../functions/serving/preprocessing';
import { decodeValue } from '../../../functions/serving/preprocessing/decode';
import { crop } from '../../../functions/serving/preprocessing/mnist-fit';
import { dilate } from '../../../functions/serving/preprocessing/page';
import { trainingDigits } from '../../samples/mnist';
import { drawConditions } from './conditions';
import { encodePhoto } from './encode';
import { type Random, seededRandom } from './random';
import { type RgbImage, renderPage } from './render';

const SIDE = 128;
const SEED = 5152;
const PAPER = 250;
const OUT = join('.local', 'digit-pages', 'ink-masks');

const args = process.argv.slice(2);
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 6000);
const from = args.includes('--from') ? Number(args[args.indexOf('--from') + 1]) : 0;
const digits = trainingDigits({ method: 'per-class-tail', heldOutFraction: 0.15 });
const value = new Uint8Array(count * SIDE * SIDE).fill(PAPER);
const coverage = new Uint8Array(count * SIDE * SIDE);

/**
 * The shadow a hand or a phone casts on the sheet: a soft ellipse, anywhere on the picture (often over the digit,
 * often half off the picture), darkening paper and ink alike. The realistic painter's shadow is a half-plane.
 */
function castShadow(page: RgbImage, random: Random): void {
  const { width, height, data } = page;
  const short = Math.min(width, height);
  const [cx, cy] = [random.between(-0.1, 1.1) * width, random.between(-0.1, 1.1) * height];
  const [rx, ry] = [random.between(0.2, 0.7) * short, random.between(0.12, 0.4) * short];
  const turn = random.between(0, Math.PI);
  const [cos, sin] = [Math.cos(turn), Math.sin(turn)];
  const softness = random.between(0.04, 0.3);
  const depth = random.between(0.3, 0.65);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [u, v] = [(x - cx) * cos + (y - cy) * sin, (y - cy) * cos - (x - cx) * sin];
      const outside = Math.hypot(u / rx, v / ry) - 1;
      const dim = 1 - depth / (1 + Math.exp(outside / softness));
      for (let k = 0; k < 3; k += 1) data[(y * width + x) * 3 + k] = Math.round(data[(y * width + x) * 3 + k]! * dim);
    }
  }
}

for (let k = 0; k < count; k += 1) {
  const i = from + k;
  const random = seededRandom(SEED * 1_000_003 + i);
  const c = drawConditions(i, random, 1400, 480);
  const hard = i % 2 === 1;
  if (hard) {
    c.digitFraction = 0.3 + 0.55 * random.next();
    c.rotationDegrees = random.between(-20, 20);
    if (random.next() < 1 / 3) c.ink = 'fountain-blue';
  }
  const shrink = Math.min(1, 480 / Math.max(c.width, c.height));
  const [width, height] = [Math.round(c.width * shrink), Math.round(c.height * shrink)];
  const digit = digits[(i * 7919) % digits.length]!;
  const glyph = { data: digit.pixels, width: 28, height: 28 };
  const thicken = hard ? random.pick([0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2]) : 0;
  const pixels =
    thicken > 0 ? crop(dilate(glyph, thicken), { left: thicken, top: thicken, width: 28, height: 28 }).data : digit.pixels;
  const shape = new Float32Array(width * height);
  const page = renderPage(c, pixels, width, height, random, shape);
  if (hard && random.next() < 0.5) castShadow(page, random);
  const photo = await encodePhoto(page, c, random.between(0, 1.2));
  const decoded = await decodeValue(photo, DEFAULT_DECODE_LIMITS, SIDE, 'linear');
  // The ink's shape, painted upright at the paint size, brought to the decoded picture's size.
  const truth = await sharp(Buffer.from(Uint8Array.from(shape, (v) => Math.round(v * 255))), {
    raw: { width, height, channels: 1 },
  })
    .resize(decoded.width, decoded.height, { fit: 'fill', kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  for (let y = 0; y < decoded.height; y += 1) {
    const row = k * SIDE * SIDE + y * SIDE;
    value.set(decoded.data.subarray(y * decoded.width, (y + 1) * decoded.width), row);
    coverage.set(truth.subarray(y * decoded.width, (y + 1) * decoded.width), row);
  }
  if ((k + 1) % 250 === 0 || k + 1 === count) process.stderr.write(`  ${k + 1}/${count}\n`);
}
const suffix = from > 0 ? `-from-${from}` : '';
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, `value${suffix}.u8`), value);
writeFileSync(join(OUT, `coverage${suffix}.u8`), coverage);
writeFileSync(
  join(OUT, `spec${suffix}.json`),
  `${JSON.stringify({ generator: 'scripts/evaluation/pages/ink-masks.ts', seed: SEED, from, count, side: SIDE, paper: PAPER }, null, 1)}\n`,
);
console.log(`${count} pages with their ink in ${OUT}`);
