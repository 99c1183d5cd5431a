import type { ImageInputSpec, MnistInputSpec, MnistPageSpec } from '../model-spec';
import { decodeGray, decodeValue, inspectImage, resizeGray, type DecodeLimits, type GrayImage } from './decode';
import { letterboxImage, type LetterboxGeometry } from './letterbox';
import { centreByMass, crop, fitSize, inkBoundingBox, isolateInk } from './mnist-fit';
import { pageInk, type PageInk } from './page';
import { InvalidInputError } from '../../platform/errors';
import { resampleGray } from './resample';
import { grayToTensor, type Tensor } from './tensor';

export type { FloatTensor, PixelTensor, Tensor } from './tensor';
export { toModelInput } from './tensor';
export { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../../platform/decode-limits';
export type { LetterboxGeometry } from './letterbox';

export interface PreparedInput {
  tensor: Tensor;
  /** The picture as received (after EXIF rotation), for mapping results back onto it. */
  source: { format: string; width: number; height: number };
  letterbox?: LetterboxGeometry;
  /** The digit was found on its page only by looser rules (faint ink, strokes tangled with the ruling). */
  unclearWriting?: true;
  /**
   * The rules found no ink on the page and the version's ink segmenter did (digits 1.6.0): the digit was read from
   * the segmenter's ink, flagged unclear-writing, and that reading is the only one (no second look).
   */
  inkSegmented?: true;
  /**
   * Pixels of the fitted digit at least INKED_LEVEL dark (mnist fit): what a page spec's `maxInkPixels` is checked
   * against once the answer is known (inference/postprocess.ts, withInputDoubt).
   */
  inkPixels?: number;
  /**
   * The picture as the digit fit decoded it at its working size (grey, or the value of a page): what the drift
   * statistics are measured on (image-stats.ts) and what a second look reads again (readPageAgain), so that a
   * picture is never decoded a second time for either.
   */
  picture?: GrayImage;
}

/**
 * The ink a segmentation network finds on a decoded page, at the page's size, or undefined for a picture it does not
 * read (serving/inference/ink-segmenter.ts).
 */
export type SegmentInk = (picture: GrayImage) => Promise<GrayImage | undefined>;

interface Found {
  patch: GrayImage;
  unclear: boolean;
  segmented?: true;
}

/**
 * The digit's ink, cropped (`found`): found on the page when the spec asks for it, else the whole picture's ink; and
 * the decoded picture it was found in.
 */
async function digitPatch(
  bytes: Uint8Array,
  spec: MnistInputSpec,
  limits: DecodeLimits,
  orientation?: number,
  segmentInk?: SegmentInk,
): Promise<{ found?: Found; picture: GrayImage }> {
  if (spec.page) {
    const value = await decodeValue(bytes, limits, spec.page.workingSide, spec.page.shrinkKernel, orientation);
    return { found: await inkOnPage(value, spec, segmentInk), picture: value };
  }
  const picture = await decodeGray(bytes, limits);
  const ink = isolateInk(picture);
  return { found: { patch: crop(ink, inkBoundingBox(ink)), unclear: false }, picture };
}

/**
 * The rules' ink on the page; where they find none (no-ink: a faint or shadowed stroke under their contrast floor) and
 * the version ships an ink segmenter, the segmenter's, which says no-ink in turn when it finds none either. Writing
 * only the segmenter found is flagged unclear.
 */
async function inkOnPage(value: GrayImage, spec: MnistInputSpec, segmentInk?: SegmentInk): Promise<Found | undefined> {
  const page = spec.page!;
  try {
    return pageInk(value, page, spec.inkBox);
  } catch (error) {
    const noInk = error instanceof InvalidInputError && error.code === 'no-ink';
    const segmented = noInk && page.inkSegmenter && segmentInk ? await segmentInk(value) : undefined;
    if (!segmented) throw error;
    const found = pageInk(value, page, spec.inkBox, segmented);
    return found && { ...found, unclear: true, segmented: true };
  }
}

/**
 * The digit as MNIST drew its digits: bright ink on black, fitted in the ink box, centred by mass; `unclear` when the
 * page's writing was found only by looser rules. Nothing found (a page with ruling or shadows but no written stroke):
 * an empty canvas, which post-processing reports as such.
 */
async function fitDigit(found: Found | undefined, spec: MnistInputSpec) {
  if (!found) return { data: new Uint8Array(spec.width * spec.height), width: spec.width, height: spec.height };
  const size = fitSize(found.patch.width, found.patch.height, spec.inkBox);
  const resized =
    spec.page?.patchResize === 'in-process'
      ? resampleGray(found.patch, size.width, size.height)
      : await resizeGray(found.patch, size.width, size.height);
  const fitted: GrayImage & { unclear?: true; segmented?: true } = centreByMass(resized, spec.width, spec.height);
  return { ...fitted, ...(found.unclear && { unclear: true as const }), ...(found.segmented && { segmented: true as const }) };
}

/**
 * The digit's pixels, MNIST-style (fitDigit), and the picture it was found in. `orientation`: the EXIF orientation the
 * caller read in the header (1 when there is none), for a page's decode to turn the picture itself (decodeValue).
 */
export async function mnistPixels(
  bytes: Uint8Array,
  spec: MnistInputSpec,
  limits: DecodeLimits,
  orientation?: number,
  segmentInk?: SegmentInk,
): Promise<GrayImage & { unclear?: true; segmented?: true; picture: GrayImage }> {
  const { found, picture } = await digitPatch(bytes, spec, limits, orientation, segmentInk);
  return { ...(await fitDigit(found, spec)), picture };
}

/**
 * The page read again with each of its spec's `secondLook` options (model-spec.ts), from the picture the first
 * reading decoded: one tensor per reading that found the page readable (one that finds it blank, or whose segmenter
 * does not read such a picture, is left out). `segmentInk` runs the model's ink segmenter, for the readings that take
 * their ink from it.
 */
export async function readPageAgain(picture: GrayImage, spec: MnistInputSpec, segmentInk?: SegmentInk): Promise<Tensor[]> {
  const tensors: Tensor[] = [];
  for (const { ink, ...options } of spec.page?.secondLook ?? []) {
    if (ink === 'segmenter' && !segmentInk) throw new Error('this page spec reads with an ink segmenter: pass segmentInk');
    const segmented = ink === 'segmenter' ? await segmentInk!(picture) : undefined;
    if (ink === 'segmenter' && !segmented) continue;
    const found = readPage(picture, { ...spec.page!, ...options }, spec.inkBox, segmented);
    if (found !== 'blank') tensors.push(grayToTensor(await fitDigit(found, spec), spec));
  }
  return tensors;
}

/** pageInk, with a page this reading finds blank (no-ink) said so instead of thrown. */
function readPage(picture: GrayImage, page: MnistPageSpec, inkBox: number, segmented?: GrayImage): PageInk | undefined | 'blank' {
  try {
    return pageInk(picture, page, inkBox, segmented);
  } catch (error) {
    if (error instanceof InvalidInputError && error.code === 'no-ink') return 'blank';
    throw error;
  }
}

/** A fitted pixel at least this inked (of 255: 30 %) counts in `inkPixels`. */
const INKED_LEVEL = 77;

function inkedPixels({ data }: GrayImage): number {
  let count = 0;
  for (let i = 0; i < data.length; i += 1) if (data[i]! >= INKED_LEVEL) count += 1;
  return count;
}

/**
 * Turns image bytes into the model's input tensor, as the model's input spec says. `segmentInk`: the version's ink
 * segmenter, asked where the rules find no ink on a page (inkOnPage).
 */
export async function preprocessImage(
  bytes: Uint8Array,
  spec: ImageInputSpec,
  limits: DecodeLimits,
  segmentInk?: SegmentInk,
): Promise<PreparedInput> {
  const metadata = await inspectImage(bytes, limits);
  // Orientations 5 to 8 turn the picture a quarter: its width is the stored height (any other value turns nothing).
  const orientation = metadata.orientation ?? 1;
  const rotated = orientation >= 5 && orientation <= 8;
  const source = {
    format: metadata.format ?? 'unknown',
    width: rotated ? (metadata.height ?? 0) : (metadata.width ?? 0),
    height: rotated ? (metadata.width ?? 0) : (metadata.height ?? 0),
  };
  if (spec.fit === 'letterbox') return { source, ...(await letterboxImage(bytes, source, spec, limits)) };
  const { picture, ...pixels } = await mnistPixels(bytes, spec, limits, orientation, segmentInk);
  return {
    source,
    tensor: grayToTensor(pixels, spec),
    picture,
    inkPixels: inkedPixels(pixels),
    ...(pixels.unclear && { unclearWriting: true }),
    ...(pixels.segmented && { inkSegmented: true }),
  };
}
