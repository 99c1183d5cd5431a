import { InvalidInputError } from '../../platform/errors';
import type { MnistPageSpec } from '../model-spec';
import type { GrayImage } from './decode';
import { flattenLight } from './page-light';
import { removeRuling } from './page-ruling';
import { findStrokes, percentileOf, type Strokes } from './page-strokes';
import { borderMedian } from './mnist-fit';
import { fillHollows } from './page-hollows';

/**
 * Finds the handwritten digit on a photographed page (issue #14): light flattened, ruling removed, the digit's
 * strokes picked and any hollowed by the flattening filled, their contrast and width brought to MNIST's, ready for
 * the MNIST fit. Works on the picture's value (brightest channel), in which the coloured ruling of school paper
 * (violet-blue lines, red margin) is nearly as light as the paper while blue, black and grey ink stay dark.
 */

/** A border this dark (median, of 255) is the black background of light writing, not paper in a shadow. */
const DARK_BORDER = 64;
/**
 * Below this darkness (of 255) at its darkest, the picture is blank, unless the page spec sets a lower `blankBelow`:
 * then a page between the two is blank only when no stroke is found on it.
 */
const MIN_INK_CONTRAST = 40;
/** Share of the digit's ink below its stroke level: the level its core is brought to 255 from. */
const STROKE_LEVEL = 0.75;

export interface PageInk {
  /** The digit's strokes, bright on black, cropped to them, contrast and width as MNIST's. */
  patch: GrayImage;
  /** Where they are in the working picture, and the sheet's angle found (degrees; NaN: not sought). */
  box: { left: number; top: number; width: number; height: number };
  angleDegrees: number;
  /**
   * The strokes were found only by the looser rules (page-strokes.ts), or on a page fainter than blank pages usually
   * are (`blankBelow`): the answer on them is flagged uncertain.
   */
  unclear: boolean;
  /** The intermediate pictures, for showing what each step did (docs/digits-pages/). */
  steps: { flattened: GrayImage; unruled: GrayImage };
}

const noInk = () => new InvalidInputError('no-ink', 'No handwriting was found in the image (it is blank or too faint).');

/**
 * The rules' ink: the light flattened, a page too faint for them said blank, the ruling removed. `faint`: fainter than
 * MIN_INK_CONTRAST but not than the spec's `blankBelow`, so blank unless a stroke is found.
 */
function unruledInk(light: GrayImage, spec: MnistPageSpec, knownAngle?: number) {
  const flattened = flattenLight(light, Math.log2(spec.lightPool ?? 1), spec.closingShare);
  const darkest = percentileOf(flattened.data, 0.9995);
  if (darkest < Math.min(MIN_INK_CONTRAST, spec.blankBelow ?? MIN_INK_CONTRAST)) throw noInk();
  return { ...removeRuling(flattened, spec.angleRefine, knownAngle), flattened, faint: darkest < MIN_INK_CONTRAST };
}

/** A segmenter's ink, as the rules' would be given (no light flattened: the picture stands for it in `steps`). */
function segmentedInk(segmented: GrayImage, light: GrayImage) {
  if (segmented.data.every((v) => v === 0)) throw noInk();
  return { ink: segmented, angleDegrees: Number.NaN, flattened: light, faint: false };
}

/**
 * The strokes of a digit written large, found again with the spec's wider light-flattening square (`largeDigit`), and
 * the reading they come from; undefined when the digit is not that large, or when that reading finds no stroke.
 * `angleDegrees`: the sheet's angle the first reading found.
 */
function largeDigitAgain(light: GrayImage, spec: MnistPageSpec, strokes: Strokes, angleDegrees: number) {
  const large = spec.largeDigit;
  const side = Math.max(strokes.box.width, strokes.box.height);
  if (!large || side <= large.sideOver * Math.min(light.width, light.height)) return undefined;
  // The sheet's angle is the first reading's: the ruling is the same, only the strokes' inside changes.
  let reading: ReturnType<typeof unruledInk>;
  try {
    reading = unruledInk(light, { ...spec, closingShare: large.closingShare }, angleDegrees);
  } catch (error) {
    // Blank under the wider square (possible where the first took the wide closing's paper): the first stands.
    if (error instanceof InvalidInputError && error.code === 'no-ink') return undefined;
    throw error;
  }
  const found = findStrokes(reading.ink, spec.lowShare);
  return found && { reading, strokes: fillHollows(light, found) };
}

/** Grey dilation by a (2r+1)² square, separable, the picture grown by r on each side: thickens thin strokes. */
export function dilate(image: GrayImage, radius: number): GrayImage {
  const { width, height } = image;
  const pad = radius;
  const w = width + 2 * pad;
  const h = height + 2 * pad;
  const rows = new Uint8Array(w * h);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < w; x += 1) {
      let max = 0;
      for (let k = Math.max(0, x - 2 * pad); k <= Math.min(width - 1, x); k += 1) max = Math.max(max, image.data[y * width + k]!);
      rows[(y + pad) * w + x] = max;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      let max = 0;
      for (let k = Math.max(0, y - pad); k <= Math.min(h - 1, y + pad); k += 1) max = Math.max(max, rows[k * w + x]!);
      out[y * w + x] = max;
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * MNIST-style pictures are light ink on black, not a page. Only a near-black border says so: a page half in shadow
 * has a dark border too, but its paper is still far from black.
 */
export function isLightOnDark(value: GrayImage): boolean {
  return borderMedian(value) < DARK_BORDER;
}

/**
 * The digit's ink on a page, or undefined when the page holds ink (ruling, shadows) but no written stroke.
 * Throws no-ink when the picture is blank, or faint (the spec's `blankBelow`) with no stroke found on it.
 * `segmented`: the ink a segmentation network found on this picture (its size), taken instead of what the ruling
 * removal leaves (ink-segmenter.ts): the network, not the flattened picture's contrast, then says whether the page is
 * blank, and the sheet's angle is not sought.
 */
export function pageInk(value: GrayImage, spec: MnistPageSpec, inkBox: number, segmented?: GrayImage): PageInk | undefined {
  // Light ink on black is turned into dark ink on light paper, like every other page.
  const light = isLightOnDark(value) ? { ...value, data: value.data.map((v) => 255 - v) } : value;
  const first = segmented ? segmentedInk(segmented, light) : unruledInk(light, spec);
  const firstFound = findStrokes(first.ink, spec.lowShare);
  if (!firstFound && first.faint) throw noInk();
  if (!firstFound) return undefined;
  const firstStrokes = fillHollows(light, firstFound);
  const again = segmented ? undefined : largeDigitAgain(light, spec, firstStrokes, first.angleDegrees);
  const { ink, angleDegrees, flattened, faint } = again?.reading ?? first;
  const strokes = again?.strokes ?? firstStrokes;
  const steps = { flattened, unruled: ink };
  const level = Math.max(1, percentileOf(strokes.patch.data, STROKE_LEVEL, true));
  const patch = { ...strokes.patch, data: strokes.patch.data.map((v) => Math.min(255, Math.round((v * 255) / level))) };
  // Stroke width (pixels) from area and edge, against the width MNIST's strokes have once fitted in the ink box.
  const width = (2 * strokes.area) / Math.max(1, strokes.edge);
  const wanted = (spec.strokeWidth * Math.max(patch.width, patch.height)) / inkBox;
  const radius = Math.round((wanted - width) / 2);
  const thick = radius >= 1 ? dilate(patch, radius) : patch;
  return { patch: thick, box: strokes.box, angleDegrees, unclear: strokes.unclear || faint, steps };
}
