import { InvalidInputError } from '../../platform/errors';
import type { GrayImage } from './decode';

/**
 * The steps MNIST itself applied to each digit, on a grayscale picture: ink made bright on black, the sheet's
 * grey removed, cropped to the ink, fitted in an `inkBox` square keeping the aspect ratio, then placed in the
 * canvas so that its centre of mass sits at the centre.
 */

/** Pixels below this share of the brightest ink count as paper: it drops paper texture and JPEG noise. */
const NOISE_FLOOR = 0.15;
/** A picture whose ink is this faint after removing the paper holds no digit. */
const MIN_INK_CONTRAST = 40;

/** The median of the picture's outermost pixels: the paper's level (counted by value: no array of them sorted). */
export function borderMedian(image: GrayImage): number {
  const { data, width, height } = image;
  const counts = new Uint32Array(256);
  let n = 0;
  const count = (i: number) => {
    counts[data[i] ?? 0]! += 1;
    n += 1;
  };
  for (let x = 0; x < width; x += 1) {
    count(x);
    count((height - 1) * width + x);
  }
  for (let y = 1; y < height - 1; y += 1) {
    count(y * width);
    count(y * width + width - 1);
  }
  // The value at index n >> 1 of the sorted list.
  let seen = 0;
  let value = 0;
  while (value < 255 && seen + counts[value]! <= n >> 1) seen += counts[value++]!;
  return n === 0 ? 0 : value;
}

/** Ink bright on black, paper at 0, strongest ink at 255. Light paper (the border is light) is inverted. */
export function isolateInk(image: GrayImage): GrayImage {
  const paper = borderMedian(image);
  const invert = paper > 127;
  const background = invert ? 255 - paper : paper;
  const out = new Uint8Array(image.data.length);
  let max = 0;
  for (let i = 0; i < out.length; i += 1) {
    const raw = image.data[i] ?? 0;
    const ink = Math.max(0, (invert ? 255 - raw : raw) - background);
    out[i] = ink;
    if (ink > max) max = ink;
  }
  if (max < MIN_INK_CONTRAST) {
    throw new InvalidInputError('no-ink', 'No handwriting was found in the image (it is blank or too faint).');
  }
  const floor = NOISE_FLOOR * max;
  for (let i = 0; i < out.length; i += 1) {
    const ink = out[i] ?? 0;
    out[i] = ink < floor ? 0 : Math.round((ink * 255) / max);
  }
  return { data: out, width: image.width, height: image.height };
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export function inkBoundingBox(image: GrayImage): Box {
  const { data, width, height } = image;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if ((data[y * width + x] ?? 0) > 0) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (maxX < 0) throw new InvalidInputError('no-ink', 'No handwriting was found in the image.');
  return { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

export function crop(image: GrayImage, box: Box): GrayImage {
  const data = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y += 1) {
    const start = (box.top + y) * image.width + box.left;
    data.set(image.data.subarray(start, start + box.width), y * box.width);
  }
  return { data, width: box.width, height: box.height };
}

/** Size of the patch once its longer side is `inkBox`, keeping the aspect ratio. */
export function fitSize(width: number, height: number, inkBox: number): { width: number; height: number } {
  const scale = inkBox / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Places the patch in a `size`² canvas with its centre of mass at the centre (clamped inside the canvas). */
export function centreByMass(patch: GrayImage, canvasWidth: number, canvasHeight: number): GrayImage {
  let mass = 0;
  let sumX = 0;
  let sumY = 0;
  for (let y = 0; y < patch.height; y += 1) {
    for (let x = 0; x < patch.width; x += 1) {
      const v = patch.data[y * patch.width + x] ?? 0;
      mass += v;
      sumX += v * (x + 0.5);
      sumY += v * (y + 0.5);
    }
  }
  const cx = mass > 0 ? sumX / mass : patch.width / 2;
  const cy = mass > 0 ? sumY / mass : patch.height / 2;
  const clamp = (value: number, max: number) => Math.min(Math.max(value, 0), Math.max(max, 0));
  const left = clamp(Math.round(canvasWidth / 2 - cx), canvasWidth - patch.width);
  const top = clamp(Math.round(canvasHeight / 2 - cy), canvasHeight - patch.height);
  const data = new Uint8Array(canvasWidth * canvasHeight);
  for (let y = 0; y < Math.min(patch.height, canvasHeight); y += 1) {
    const row = patch.data.subarray(y * patch.width, y * patch.width + Math.min(patch.width, canvasWidth));
    data.set(row, (top + y) * canvasWidth + left);
  }
  return { data, width: canvasWidth, height: canvasHeight };
}
