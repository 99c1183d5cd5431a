import { imageSize } from 'image-size';
import { InvalidInputError } from '../../platform/errors';
import { sharp } from '../../platform/native/sharp';
import type { DecodeLimits } from '../../platform/decode-limits';
import type { MnistPageSpec } from '../model-spec';

export type { DecodeLimits } from '../../platform/decode-limits';

/**
 * Every decoding pipeline starts here, with the pixel limit and the time limit in place. `ignoreIcc` skips the
 * colour transform of an embedded ICC profile (half the decode time of a small phone photo): for a reading that
 * only compares ink with paper, never for a model that sees colours.
 */
export function openImage(bytes: Uint8Array, limits: DecodeLimits, { ignoreIcc = false } = {}) {
  return sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', ignoreIcc }).timeout({
    seconds: limits.maxDecodeSeconds,
  });
}

/** An 8-bit single-channel picture, row-major: what the digit fit works on. */
export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
}

const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff']);
/** Blue minus red above which a pixel is blue ink, not ruling, and how much darker each unit above makes it. */
const BLUE_INK_FROM = 90;
const BLUE_INK_DARKENING = 1.5;
/** Large phone photos are shrunk before the pixel work: a digit needs far fewer pixels than a camera gives. */
const WORKING_SIZE = 280;

/** Maps sharp's decoding errors to the reasons a caller can act on. */
export function decodeFailure(error: unknown): InvalidInputError {
  const message = error instanceof Error ? error.message : String(error);
  if (/timeout/i.test(message)) {
    return new InvalidInputError('decode-timeout', 'Decoding the image took longer than allowed.', { cause: error });
  }
  if (/pixel limit/i.test(message)) {
    return new InvalidInputError('image-too-large', 'The image has more pixels than allowed.', { cause: error });
  }
  if (/unsupported image format/i.test(message)) {
    return new InvalidInputError(
      'unsupported-image',
      'The input is not an image format Vigie reads (JPEG, PNG, WebP, GIF, TIFF).',
      {
        cause: error,
      },
    );
  }
  return new InvalidInputError('corrupt-image', 'The image could not be decoded.', { cause: error });
}

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0) => signature.every((b, i) => bytes[offset + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * The format the first bytes announce, among those Vigie reads. Checked before any decoder sees the input, so
 * SVG (scripts, external references), PDF and the like never reach libvips.
 */
export function sniffFormat(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, ascii('ftyp'), 4)) return 'heif';
  return undefined;
}

/** What the header says: checked before any pixel is decoded. */
export interface ImageHeader {
  format?: string;
  width?: number;
  height?: number;
  /** EXIF orientation, 1 to 8 (absent: none). */
  orientation?: number;
  /** Frames (animated GIF, WebP): more than one is refused. */
  pages?: number;
}

/**
 * A JPEG's size and EXIF orientation read in JavaScript (image-size), as libvips' header read gives them (a JPEG has
 * one frame) without its ~0.28 ms of fixed cost per call: the hot path, what phones send. Undefined when it cannot read
 * them; libvips reads the header then, and says what is wrong with it.
 */
function jpegHeader(bytes: Uint8Array): ImageHeader | undefined {
  try {
    const { type, width, height, orientation } = imageSize(bytes);
    if (type !== 'jpg' || !width || !height) return undefined;
    return { format: 'jpeg', width, height, ...(orientation !== undefined && { orientation }) };
  } catch {
    return undefined;
  }
}

/** Reads the header only: format and size are checked before any pixel is decoded. */
export async function inspectImage(bytes: Uint8Array, limits: DecodeLimits): Promise<ImageHeader> {
  const announced = sniffFormat(bytes);
  if (announced === 'heif') {
    throw new InvalidInputError('unsupported-image', 'HEIC/AVIF images are not supported: send JPEG, PNG, WebP, GIF or TIFF.');
  }
  if (!announced) {
    throw new InvalidInputError(
      'unsupported-image',
      'The input is not an image format Vigie reads (JPEG, PNG, WebP, GIF, TIFF).',
    );
  }
  let metadata = announced === 'jpeg' ? jpegHeader(bytes) : undefined;
  try {
    metadata ??= await sharp(bytes, { limitInputPixels: limits.maxPixels }).metadata();
  } catch (error) {
    throw decodeFailure(error);
  }
  if (!metadata.format || !SUPPORTED_FORMATS.has(metadata.format)) {
    throw new InvalidInputError('unsupported-image', `Image format '${metadata.format ?? 'unknown'}' is not supported.`);
  }
  if (!metadata.width || !metadata.height) {
    throw new InvalidInputError('corrupt-image', 'The image declares no size.');
  }
  if ((metadata.pages ?? 1) > 1) {
    throw new InvalidInputError('animated-image', `The image has ${metadata.pages} frames; send a single still picture.`);
  }
  if (metadata.width * metadata.height > limits.maxPixels) {
    throw new InvalidInputError(
      'image-too-large',
      `The image has ${metadata.width}×${metadata.height} pixels, more than allowed.`,
    );
  }
  return metadata;
}

/**
 * Decodes to grayscale with EXIF orientation applied and transparency laid on white paper (ink on a
 * transparent sheet reads as ink on paper), shrunk to a working size.
 */
export async function decodeGray(bytes: Uint8Array, limits: DecodeLimits): Promise<GrayImage> {
  try {
    const { data, info } = await openImage(bytes, limits)
      .rotate()
      .flatten({ background: '#ffffff' })
      .greyscale()
      .resize({ width: WORKING_SIZE, height: WORKING_SIZE, fit: 'inside', withoutEnlargement: true })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (error) {
    throw decodeFailure(error);
  }
}

/**
 * A pixel's value (its brightest channel), darker for blue ink. Bright blue ink (a fountain pen's) is as light as
 * Seyès ruling in the value, but far bluer: blue over red passes the ruling's (about 85 for the violet 8 mm lines,
 * 65 for the fine ones) only on such ink.
 */
function inkValue(max: number, blueOverRed: number): number {
  const blue = blueOverRed - BLUE_INK_FROM;
  return blue > 0 ? Math.max(0, max - BLUE_INK_DARKENING * blue) : max;
}

/**
 * Where output pixel (0, 0) reads in the stored picture, and how far its index moves for one step along an output
 * row and down an output column, for each EXIF orientation (1 to 8): 5 to 8 swap width and height.
 */
function orientationSteps(orientation: number, width: number, height: number): [number, number, number] {
  const last = (height - 1) * width;
  switch (orientation) {
    case 2:
      return [width - 1, -1, width];
    case 3:
      return [last + width - 1, -1, -width];
    case 4:
      return [last, 1, -width];
    case 5:
      return [0, width, 1];
    case 6:
      return [last, -width, 1];
    case 7:
      return [last + width - 1, -width, -1];
    case 8:
      return [width - 1, width, -1];
    default:
      return [0, 1, width];
  }
}

/**
 * The value of each pixel of libvips' output (`channels` a pixel, row-major), in the order of the picture turned and
 * mirrored as its EXIF `orientation` (1 to 8) says: read where the turn puts each output pixel, in one pass.
 */
function turnedValue(data: Uint8Array, channels: number, width: number, height: number, orientation: number): GrayImage {
  const turn = orientation >= 1 && orientation <= 8 ? orientation : 1;
  const swapped = turn >= 5;
  const outWidth = swapped ? height : width;
  const outHeight = swapped ? width : height;
  const [start, alongRow, downColumn] = orientationSteps(turn, width, height);
  const value = new Uint8Array(width * height);
  for (let y = 0, o = 0; y < outHeight; y += 1) {
    for (let x = 0, s = start + y * downColumn; x < outWidth; x += 1, s += alongRow, o += 1) {
      const j = s * channels;
      if (channels === 3) {
        // What a JPEG or an opaque PNG gives: the channel loop below unrolled (a third of the time).
        const red = data[j]!;
        const green = data[j + 1]!;
        const blueChannel = data[j + 2]!;
        const max = red > green ? (red > blueChannel ? red : blueChannel) : green > blueChannel ? green : blueChannel;
        value[o] = inkValue(max, blueChannel - red);
      } else {
        let max = data[j]!;
        for (let c = 1; c < channels; c += 1) max = Math.max(max, data[j + c]!);
        value[o] = channels >= 3 ? inkValue(max, data[j + 2]! - data[j]!) : max;
      }
    }
  }
  return { data: value, width: outWidth, height: outHeight };
}

/**
 * Decodes to the value (brightest channel) of each pixel, EXIF orientation applied, transparency on white, the
 * longer side shrunk to `side` (JPEG shrink-on-load: a 12-megapixel photo is decoded at 1/8 scale directly) with
 * `kernel` (the model's `input.page.shrinkKernel`). The value keeps coloured ruling light and every ink dark (see
 * page.ts); a phone's colour profile does not change which is which, so it is not applied. `orientation`: the EXIF
 * orientation the caller read in the header (1 when there is none); the picture is then turned here, once shrunk,
 * instead of by libvips at its full size before (0.05–0.25 ms of a small photo's decode), with the same pixels
 * (libvips' shrink is the same read from either end: tests/unit/page-decode.test.ts compares every orientation).
 * Without it, libvips reads the orientation and turns the picture.
 */
export async function decodeValue(
  bytes: Uint8Array,
  limits: DecodeLimits,
  side: number,
  kernel: NonNullable<MnistPageSpec['shrinkKernel']> = 'lanczos3',
  orientation?: number,
): Promise<GrayImage> {
  try {
    const opened = openImage(bytes, limits, { ignoreIcc: true });
    // Shrunk to fit `side` as the turned picture would be: the same box either way round.
    const { data, info } = await (orientation === undefined ? opened.rotate() : opened)
      .flatten({ background: '#ffffff' })
      .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true, kernel })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return turnedValue(data, info.channels, info.width, info.height, orientation ?? 1);
  } catch (error) {
    throw decodeFailure(error);
  }
}

/** Resizes a grayscale patch to exactly `width`×`height` (the caller keeps the aspect ratio). */
export async function resizeGray(image: GrayImage, width: number, height: number): Promise<GrayImage> {
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
}
