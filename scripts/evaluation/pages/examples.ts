/**
 * `npx tsx scripts/evaluation/pages/examples.ts`: draws docs/digits-pages/example-<n>.png, three held-out digits
 * photographed on school pages and what the page preprocessing (functions/serving/preprocessing/page.ts) made of
 * each, step by step: the photo as decoded, the ink once the light is flattened, the ink once the ruling is
 * removed (with the box of the strokes it kept), and the 28×28 input the model reads. Committed, small, for
 * newcomers; rerun after changing the preprocessing.
 */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';
import type { MnistInputSpec } from '../../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, mnistPixels } from '../../../functions/serving/preprocessing';
import { decodeValue, type GrayImage } from '../../../functions/serving/preprocessing/decode';
import { pageInk } from '../../../functions/serving/preprocessing/page';
import { ModelRegistry } from '../../../functions/serving/registry';
import type { PageConditions } from './conditions';
import { photographPage, REALISTIC_SET } from './set';
import { heldOutDigits } from '../../samples/mnist';

const TILE = 240;
const EXAMPLES: Array<{ digit: number; conditions: Partial<PageConditions> }> = [
  {
    digit: 455,
    conditions: {
      paper: 'seyes',
      ink: 'ballpoint-blue',
      lighting: 'shadow',
      rotationDegrees: -11,
      width: 3000,
      height: 4000,
      exifOrientation: 6,
      jpegQuality: 62,
    },
  },
  {
    digit: 1010,
    conditions: {
      paper: 'squared',
      ink: 'pencil',
      lighting: 'gradient',
      rotationDegrees: 7,
      width: 4000,
      height: 3000,
      exifOrientation: 1,
      jpegQuality: 80,
    },
  },
  {
    digit: 1290,
    conditions: {
      paper: 'plain',
      ink: 'felt-tip',
      lighting: 'even',
      placement: 'off-centre',
      rotationDegrees: 3,
      width: 1600,
      height: 1200,
      exifOrientation: 3,
      jpegQuality: 55,
    },
  },
];

const tile = (image: GrayImage, invert: boolean, kernel: 'nearest' | 'lanczos3' = 'lanczos3') =>
  sharp(invert ? image.data.map((v) => 255 - v) : image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .resize(TILE, TILE, { fit: 'contain', background: '#808080', kernel })
    .png()
    .toBuffer();

const model = await new ModelRegistry('models').resolve('digits');
const input = model.metadata.input as MnistInputSpec;
if (!input.page) throw new Error(`digits@${model.metadata.version} does not find digits on pages (no input.page)`);
const digits = heldOutDigits({ method: 'per-class-tail', heldOutFraction: 0.15 });
for (const [n, example] of EXAMPLES.entries()) {
  const digit = digits[example.digit]!;
  const photo = await photographPage(n, digit, REALISTIC_SET, example.conditions);
  const value = await decodeValue(photo.bytes, DEFAULT_DECODE_LIMITS, input.page.workingSide, input.page.shrinkKernel);
  const found = pageInk(value, input.page, input.inkBox);
  if (!found) throw new Error(`example ${n + 1}: no digit found`);
  const { left, top, width, height } = found.box;
  const boxed = Buffer.from(
    `<svg width="${value.width}" height="${value.height}"><rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="red" stroke-width="2"/></svg>`,
  );
  const unruled = await sharp(
    found.steps.unruled.data.map((v) => 255 - v),
    {
      raw: { width: value.width, height: value.height, channels: 1 },
    },
  )
    .toColourspace('srgb')
    .composite([{ input: boxed }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  const tiles = [
    await sharp(photo.bytes).rotate().resize(TILE, TILE, { fit: 'contain', background: '#808080' }).png().toBuffer(),
    await tile(found.steps.flattened, true),
    await sharp(unruled.data, { raw: unruled.info })
      .resize(TILE, TILE, { fit: 'contain', background: '#808080' })
      .png()
      .toBuffer(),
    await tile(await mnistPixels(photo.bytes, input, DEFAULT_DECODE_LIMITS), false, 'nearest'),
  ];
  const path = `docs/digits-pages/example-${n + 1}.png`;
  await sharp({ create: { width: TILE * tiles.length, height: TILE, channels: 3, background: '#808080' } })
    .composite(tiles.map((t, i) => ({ input: t, left: i * TILE, top: 0 })))
    .png({ compressionLevel: 9, palette: true })
    .toFile(path);
  const c = photo.conditions;
  writeFileSync(
    `docs/digits-pages/example-${n + 1}.txt`,
    `digit ${digit.label} (held-out mnist index ${digit.index}); ${c.paper}, ${c.ink}, ${c.lighting} light, ${c.placement}, ` +
      `sheet turned ${c.rotationDegrees}°, ${c.width}×${c.height} px, JPEG q${c.jpegQuality}, EXIF orientation ${c.exifOrientation}; ` +
      `sheet angle found ${found.angleDegrees}°\n`,
  );
  console.log(`${path}: digit ${digit.label}, ${c.paper} / ${c.ink} / ${c.lighting}`);
}
