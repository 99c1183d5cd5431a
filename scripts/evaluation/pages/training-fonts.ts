import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { MnistInputSpec } from '../../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, mnistPixels } from '../../../functions/serving/preprocessing';
import { renderMnistPng, type DigitSample } from '../../samples/mnist';
import { assertFontsInstalled } from '../independent/glyph';
import { seededRandom, type Random } from './random';
import { photographPage, type PageSetOptions } from './set';

/**
 * Digit shapes MNIST does not have, for training the digits model (issue #27): MNIST's 8,504 training digits are
 * one population of American writers, and the digits it misreads on the independent sets are shapes that
 * population rarely writes (a "1" with a flag and a foot, an open "4", a closed round "0" in a thick pen). These are
 * the ten digits written in Debian handwriting fonts that the independent sets never use (their fonts are
 * HANDWRITING_FONTS in ../independent/glyph.ts, from other packages), each drawn many times with its own slant,
 * turn, width and pen, then used as the MNIST training digits are: as its MNIST picture and, one in PAGE_EVERY,
 * photographed on a training page, both run through the serving preprocessing. No glyph is drawn the way the
 * independent sets draw theirs (no displacement field); the page painter is the training pages' own.
 */

/** Families as fontconfig names them, and the Debian package of each (the generator refuses a missing one). */
export const TRAINING_FONTS = {
  'Dancing Script': 'fonts-dancingscript',
  Delphine: 'fonts-sjfonts',
  Steve: 'fonts-sjfonts',
  Ecolier_court: 'fonts-ecolier-court',
  Havana: 'fonts-havana',
  'Kaushan Script': 'fonts-kaushanscript',
  'Klee One': 'fonts-klee',
  'Leckerli One': 'fonts-leckerli-one',
  'Lobster Two': 'fonts-lobster',
  OpenDyslexic: 'fonts-opendyslexic',
  Purisa: 'fonts-tlwg-purisa-otf',
  Rufscript: 'fonts-rufscript',
  SetoFont: 'fonts-seto',
  'Tomson Talks': 'fonts-tomsontalks',
  YOzA: 'fonts-yozvox-yozfont',
  'Yusei Magic': 'fonts-yusei-magic',
  kiloji: 'fonts-kiloji',
} as const;

export const FONT_GLYPHS_DIR = join('.local', 'digit-pages', 'training-fonts');
/** Drawings of each digit in each font. */
export const VARIANTS = 48;
const PAGE_EVERY = 3;
const PAGES: PageSetOptions = { seed: 2741, blankPages: 0, minSide: 480, maxSide: 1400, paintSide: 480 };
const GLYPH_SEED = 2740;

const LAYER = 160;
const FONT_SIZE = 110;

/** One drawing: white on black, as MNIST stores digits, with a slant, a turn, a squeeze and a pen of its own. */
function drawing(font: string, label: string, random: Random): Buffer {
  const skew = random.between(-15, 15);
  const turn = random.between(-10, 10);
  const squeeze = random.between(0.75, 1.2);
  // Extra pen width up to 12 % of the font size: from the font's own line to a felt-tip's.
  const pen = random.next() < 0.35 ? 0 : random.between(1, 0.12 * FONT_SIZE);
  const stroke = pen > 0 ? ` stroke="white" stroke-width="${pen.toFixed(1)}" stroke-linejoin="round"` : '';
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LAYER}" height="${LAYER}"><rect width="100%" height="100%" fill="black"/>` +
      `<g transform="translate(${LAYER / 2} ${LAYER / 2}) rotate(${turn.toFixed(1)}) skewX(${skew.toFixed(1)}) scale(${squeeze.toFixed(2)} 1)">` +
      `<text x="0" y="${FONT_SIZE * 0.35}" font-family="${font}" font-size="${FONT_SIZE}" text-anchor="middle" fill="white"${stroke}>${label}</text></g></svg>`,
  );
}

/** The drawing as an MNIST digit: cropped to its ink, fitted in 20×20, centred by mass in 28×28. */
async function asMnistDigit(svg: Buffer, input: MnistInputSpec): Promise<Uint8Array> {
  const png = await sharp(svg).grayscale().png().toBuffer();
  // Without a page spec: the tight crop MNIST pictures get (isolate the ink, crop, fit), no page work.
  return (await mnistPixels(png, { ...input, page: undefined }, DEFAULT_DECODE_LIMITS)).data;
}

/** Writes digits.u8, labels.u8 and spec.json (as training.ts does) under FONT_GLYPHS_DIR; returns the count. */
export async function writeFontTrainingInputs(
  input: MnistInputSpec,
  progress?: (done: number, total: number) => void,
): Promise<number> {
  const fonts = Object.keys(TRAINING_FONTS);
  await assertFontsInstalled(fonts, `apt-get install ${[...new Set(Object.values(TRAINING_FONTS))].join(' ')}`);
  const random = seededRandom(GLYPH_SEED);
  const side = input.width * input.height;
  const total = fonts.length * 10 * VARIANTS;
  const pixels = new Uint8Array((total + Math.ceil(total / PAGE_EVERY)) * side);
  const labels = new Uint8Array(total + Math.ceil(total / PAGE_EVERY));
  let [n, drawn, refused] = [0, 0, 0];
  for (let variant = 0; variant < VARIANTS; variant += 1) {
    for (const font of fonts) {
      for (let digit = 0; digit <= 9; digit += 1) {
        const sample: DigitSample = {
          label: String(digit),
          index: drawn,
          pixels: await asMnistDigit(drawing(font, String(digit), random), input),
        };
        const inputs = [await renderMnistPng(sample)];
        if (drawn % PAGE_EVERY === 0) inputs.push((await photographPage(drawn / PAGE_EVERY, sample, PAGES)).bytes);
        for (const bytes of inputs) {
          const fitted = await mnistPixels(bytes, input, DEFAULT_DECODE_LIMITS).catch(() => undefined);
          if (!fitted) {
            refused += 1;
            continue;
          }
          pixels.set(fitted.data, n * side);
          labels[n] = digit;
          n += 1;
        }
        drawn += 1;
        progress?.(drawn, total);
      }
    }
  }
  mkdirSync(FONT_GLYPHS_DIR, { recursive: true });
  writeFileSync(join(FONT_GLYPHS_DIR, 'digits.u8'), pixels.subarray(0, n * side));
  writeFileSync(join(FONT_GLYPHS_DIR, 'labels.u8'), labels.subarray(0, n));
  const spec = {
    generator: 'scripts/evaluation/pages/write.ts --training-fonts',
    fonts: TRAINING_FONTS,
    variants: VARIANTS,
    seed: GLYPH_SEED,
    options: PAGES,
    layout: `for each variant, font and digit: its MNIST picture, then (one drawing in ${PAGE_EVERY}) its photographed page; each 28x28 uint8`,
    count: n,
    refused,
    page: input.page,
  };
  writeFileSync(join(FONT_GLYPHS_DIR, 'spec.json'), `${JSON.stringify(spec, null, 1)}\n`);
  return n;
}
