import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { heldOutDigits, trainingDigits, type DigitSample, type SplitRule } from '../../samples/mnist';
import { encodePhoto } from '../pages/encode';
import { seededRandom, type Random } from '../pages/random';
import { drawIndependentConditions, type IndependentConditions } from './conditions';
import { assertFontsInstalled, drawGlyph, HANDWRITING_FONTS, penFor, type GlyphShape } from './glyph';
import { paintIndependentPage } from './page';

/**
 * The independent evaluation set of the digits model (issue #27): frozen by its generator version and seed, both
 * in its manifest; built under .local/ (git-ignored) on first use, never committed, and never used to choose a
 * training setting. Bump GENERATOR_VERSION whenever a change here would draw other pages: the set is rebuilt and
 * figures measured on the old one are no longer comparable.
 */
export const GENERATOR_VERSION = '1.0.0';
export const INDEPENDENT_SEED = 2727;
export const INDEPENDENT_SET_DIR = join('.local', 'digit-pages', 'independent');
/** Each font writes each digit this many times (other wobble, pen, page). */
const FONT_REPEATS = 3;
/** One held-out MNIST digit in this many is drawn (thickened or thinned, enlarged). */
const MNIST_EVERY = 6;
/** Pages drawn at once. */
const IN_FLIGHT = 4;
/** Longest side the page is painted at before the camera's enlargement (speed). */
const PAINT_SIDE = 640;
/** The split train.py uses: only held-out digits (the tail of each class) are drawn. */
export const SPLIT: SplitRule = { method: 'per-class-tail', heldOutFraction: 0.15 };

/**
 * Which pages a set draws. The frozen set (held-out digits, seed 2727) only measures. Preprocessing choices are made
 * on a development set drawn by the same generator with another seed and from the training digits (about as many
 * MNIST glyphs), so that the frozen set's figures stay a measurement, not a target.
 */
export interface IndependentSetSpec {
  dir: string;
  seed: number;
  digits: () => DigitSample[];
  /** One MNIST digit in this many is drawn. */
  mnistEvery: number;
  /** How many pages are drawn, the first of the interleaved jobs (absent: all of them). */
  pages?: number;
  /** What a stress set forces over each page's drawn conditions (stress.ts); absent: the conditions as drawn. */
  force?: ForceConditions;
}

/** A page's drawn conditions in, the ones it is painted with out: drawing more from `random` as it needs. */
export type ForceConditions = (drawn: IndependentConditions, random: Random) => IndependentConditions;

export const INDEPENDENT_SET: IndependentSetSpec = {
  dir: INDEPENDENT_SET_DIR,
  seed: INDEPENDENT_SEED,
  digits: () => heldOutDigits(SPLIT),
  mnistEvery: MNIST_EVERY,
};

export const INDEPENDENT_DEVELOPMENT_SET: IndependentSetSpec = {
  dir: join('.local', 'digit-pages', 'independent-development'),
  seed: 2728,
  digits: () => trainingDigits(SPLIT),
  mnistEvery: 34,
};

export interface IndependentPage {
  file: string;
  label: string;
  conditions: IndependentConditions;
}

export interface IndependentManifest {
  generator: string;
  version: string;
  seed: number;
  pages: IndependentPage[];
}

export interface Job {
  label: string;
  shape: GlyphShape;
  source: IndependentConditions['glyphSource'];
  name: string;
}

/** Font glyphs and MNIST tail glyphs, interleaved so that both meet every paper and ink. */
export function independentJobs(digits: DigitSample[], mnistEvery = MNIST_EVERY): Job[] {
  const fonts: Job[] = [];
  for (let repeat = 0; repeat < FONT_REPEATS; repeat += 1) {
    for (const font of HANDWRITING_FONTS) {
      for (let d = 0; d <= 9; d += 1)
        fonts.push({ label: String(d), shape: { font, label: String(d) }, source: 'font', name: font });
    }
  }
  const mnist: Job[] = digits
    .filter((_, i) => i % mnistEvery === 0)
    .map((digit) => ({
      label: digit.label,
      shape: { mnist: digit.pixels },
      source: 'mnist-tail',
      name: `${digit.label}/${digit.index}`,
    }));
  const out: Job[] = [];
  for (let i = 0; i < Math.max(fonts.length, mnist.length); i += 1) {
    if (fonts[i]) out.push(fonts[i]!);
    if (mnist[i]) out.push(mnist[i]!);
  }
  return out;
}

const fontStrokes = new Map<string, Promise<number>>();

/**
 * The glyph's own stroke width, in pixels of a 150-px-high digit: an MNIST digit's from its pixels (2 · area / edge
 * of its ink, 20 px high), a font's drawn once per font and digit (always with the same seed: the set does not
 * depend on the order its pages are drawn in).
 */
function nativeStroke(job: Job): Promise<number> {
  if ('mnist' in job.shape) {
    const pixels = job.shape.mnist;
    const inked = (x: number, y: number) => x >= 0 && y >= 0 && x < 28 && y < 28 && pixels[y * 28 + x]! >= 128;
    let [area, edge] = [0, 0];
    for (let y = 0; y < 28; y += 1) {
      for (let x = 0; x < 28; x += 1) {
        if (!inked(x, y)) continue;
        area += 1;
        if (!inked(x - 1, y) || !inked(x + 1, y) || !inked(x, y - 1) || !inked(x, y + 1)) edge += 1;
      }
    }
    return Promise.resolve(((2 * area) / Math.max(1, edge)) * (150 / 20));
  }
  const key = `${job.name}/${job.label}`;
  if (!fontStrokes.has(key)) {
    fontStrokes.set(
      key,
      drawGlyph(job.shape, 0, seededRandom(0)).then((g) => (g ? (g.strokeWidth * 150) / g.height : 0)),
    );
  }
  return fontStrokes.get(key)!;
}

/** Renders the `index`-th page as the phone's JPEG (deterministic in the seed), its conditions `force`d if given. */
export async function photographIndependentPage(
  index: number,
  job: Job,
  seed = INDEPENDENT_SEED,
  force?: ForceConditions,
): Promise<{ bytes: Buffer; conditions: IndependentConditions }> {
  const random = seededRandom(seed * 1_000_003 + index);
  const natural = drawIndependentConditions(index, random, { source: job.source, name: job.name });
  const drawn = force ? force(natural, random) : natural;
  // Drawn with the pen that brings the stroke to about the drawn share of the height.
  const pen = penFor(drawn.strokeShare, await nativeStroke(job));
  // The frozen set's glyphs are seeded by the index alone; another set's wobble differs from it.
  const glyph = await drawGlyph(job.shape, pen, seededRandom(index + (seed - INDEPENDENT_SEED) * 1_000_003));
  if (!glyph) throw new Error(`page ${index}: glyph ${job.name} drew nothing`);
  const conditions = { ...drawn, strokeShare: Math.round((glyph.strokeWidth / glyph.height) * 1000) / 1000 };
  const shrink = Math.min(1, PAINT_SIDE / Math.max(conditions.width, conditions.height));
  const [width, height] = [Math.round(conditions.width * shrink), Math.round(conditions.height * shrink)];
  const page = await paintIndependentPage(conditions, glyph, width, height, random);
  const blurSigma = (conditions.blur * conditions.digitFraction * Math.min(width, height)) / 100;
  return { bytes: await encodePhoto(page, conditions, blurSigma), conditions };
}

/** The set, built in its `dir` unless its manifest is there with this generator version and seed. */
export async function independentSet(
  progress?: (done: number, total: number) => void,
  set = INDEPENDENT_SET,
): Promise<IndependentManifest & { dir: string }> {
  const { dir, seed } = set;
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const existing = JSON.parse(readFileSync(manifestPath, 'utf8')) as IndependentManifest;
    if (existing.version === GENERATOR_VERSION && existing.seed === seed) return { ...existing, dir };
  }
  await assertFontsInstalled();
  mkdirSync(dir, { recursive: true });
  const all = independentJobs(set.digits(), set.mnistEvery).slice(0, set.pages);
  const pages: IndependentPage[] = new Array(all.length);
  // A few pages in flight at once: most of a page's time is in libvips (SVG, blur, JPEG), off the JS thread.
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < all.length; i = next++) {
      const { bytes, conditions } = await photographIndependentPage(i, all[i]!, seed, set.force);
      const file = `${String(i).padStart(5, '0')}.jpg`;
      writeFileSync(join(dir, file), bytes);
      pages[i] = { file, label: all[i]!.label, conditions };
      progress?.(++done, all.length);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const manifest: IndependentManifest = {
    generator: 'scripts/evaluation/independent',
    version: GENERATOR_VERSION,
    seed,
    pages,
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
  return { ...manifest, dir };
}
