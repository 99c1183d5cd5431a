import type { GrayImage } from './decode';

/**
 * Illumination flattening: the paper's own brightness at each pixel is estimated by a grey closing of the picture
 * (maximum then minimum over a square wider than any stroke), which erases the ink and the ruling but keeps the
 * edge of a cast shadow where it is (closing leaves a step as it is). Dividing by it leaves the paper at one level
 * under a gradient or a shadow, and only what is darker than the paper around it as ink.
 */

/**
 * Closing square, as a share of the shorter side: wider than a felt-tip stroke, or two merging, on a large digit.
 * The input spec's `page.closingShare` may say another (a second look's reading, model-spec.ts).
 */
const CLOSING_SHARE = 1 / 7;
/** Never narrower than this (pixels): on a small crop (an MNIST picture) a stroke is 2 to 5 pixels wide. */
const MIN_WINDOW = 15;

/**
 * Running maximum (or minimum) over `window` values along each row, from `src` into `out`: van Herk / Gil-Werman,
 * three comparisons per pixel whatever the window. The minimum is the maximum of the complements.
 */
function rowExtreme(src: Uint8Array, out: Uint8Array, width: number, height: number, window: number, max: boolean) {
  const half = window >> 1;
  const flip = max ? 0 : 255;
  const forward = new Uint8Array(width);
  const backward = new Uint8Array(width);
  for (let base = 0; base < width * height; base += width) {
    // Blocks of `window` values: the running extreme from each block's start (forward) and from its end (backward).
    // No read outside the arrays (V8 leaves its fast path for typed-array reads out of bounds).
    for (let start = 0; start < width; start += window) {
      const end = Math.min(start + window, width) - 1;
      let f = src[base + start]! ^ flip;
      forward[start] = f;
      for (let i = start + 1; i <= end; i += 1) {
        const v = src[base + i]! ^ flip;
        if (v > f) f = v;
        forward[i] = f;
      }
      let b = src[base + end]! ^ flip;
      backward[end] = b;
      for (let i = end - 1; i >= start; i -= 1) {
        const v = src[base + i]! ^ flip;
        if (v > b) b = v;
        backward[i] = b;
      }
    }
    for (let i = 0; i < width; i += 1) {
      const a = backward[i - half < 0 ? 0 : i - half]!;
      const b = forward[i + half >= width ? width - 1 : i + half]!;
      out[base + i] = (a > b ? a : b) ^ flip;
    }
  }
}

/**
 * The same along each column, worked a whole row of pixels at a time so that memory is read in order (a column at a
 * time strode across it: the flattening of a small photo 2.44 → 2.29 ms, the same output).
 */
function columnExtreme(src: Uint8Array, out: Uint8Array, width: number, height: number, window: number, max: boolean) {
  const half = window >> 1;
  const flip = max ? 0 : 255;
  const forward = new Uint8Array(width * height);
  const backward = new Uint8Array(width * height);
  for (let start = 0; start < height; start += window) {
    const end = Math.min(start + window, height) - 1;
    for (let i = start * width; i < (start + 1) * width; i += 1) forward[i] = src[i]! ^ flip;
    for (let i = (start + 1) * width; i < (end + 1) * width; i += 1) {
      const v = src[i]! ^ flip;
      const f = forward[i - width]!;
      forward[i] = v > f ? v : f;
    }
    for (let i = end * width; i < (end + 1) * width; i += 1) backward[i] = src[i]! ^ flip;
    for (let i = end * width - 1; i >= start * width; i -= 1) {
      const v = src[i]! ^ flip;
      const b = backward[i + width]!;
      backward[i] = v > b ? v : b;
    }
  }
  for (let y = 0; y < height; y += 1) {
    const from = (y - half < 0 ? 0 : y - half) * width;
    const to = (y + half >= height ? height - 1 : y + half) * width;
    for (let x = 0, i = y * width; x < width; x += 1, i += 1) {
      const a = backward[from + x]!;
      const b = forward[to + x]!;
      out[i] = (a > b ? a : b) ^ flip;
    }
  }
}

/** Grey closing by a `window`² square. */
function closing(image: GrayImage, window: number): Uint8Array {
  const { data, width, height } = image;
  const a = new Uint8Array(data.length);
  const b = new Uint8Array(data.length);
  rowExtreme(data, a, width, height, window, true);
  columnExtreme(a, b, width, height, window, true);
  rowExtreme(b, a, width, height, window, false);
  columnExtreme(a, b, width, height, window, false);
  return b;
}

/** Paper levels are never taken under this (of 255): a black border is not paper to divide by. */
const MIN_PAPER = 8;

/**
 * Ink darkness for every (paper level, value) pair, 0 on paper and 255 for ink that reflects nothing:
 * 255 · (1 − value / paper level). A table read per pixel instead of a division (a fifth of the flattening).
 */
const INK_DARKNESS = (() => {
  const table = new Uint8Array(256 * 256);
  for (let level = MIN_PAPER; level < 256; level += 1) {
    for (let value = 0; value < 256; value += 1) {
      const ink = 255 - (255 * value) / level;
      table[(level << 8) | value] = ink <= 0 ? 0 : ink;
    }
  }
  return table;
})();

/** The wide closing's square, as a share of the shorter side: wider than any stroke a page can hold. */
const WIDE_SHARE = 1 / 3;
/** The wide closing works on a copy pooled by 2^WIDE_POOL_SHIFT (4): it only needs the paper's level, not its detail. */
const WIDE_POOL_SHIFT = 2;
/**
 * Paper in a shadow keeps more of the light than this share of the paper beside it (a hand's or a phone's shadow,
 * over a gradient: 0.33 and more), black ink less. Under it, what the narrow closing took for paper is the inside of
 * a stroke wider than its square.
 */
const INK_AGAINST_PAPER = 0.3;

/** Largest value of each 2^shift-square block (the last ones cut short), as a picture 2^shift times smaller. */
function maxPool(image: GrayImage, shift: number): GrayImage {
  if (shift === 0) return image;
  const width = (image.width + (1 << shift) - 1) >> shift;
  const height = (image.height + (1 << shift) - 1) >> shift;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < image.height; y += 1) {
    const row = (y >> shift) * width;
    const from = y * image.width;
    for (let x = 0; x < image.width; x += 1) {
      const v = image.data[from + x]!;
      const i = row + (x >> shift);
      if (v > data[i]!) data[i] = v;
    }
  }
  return { data, width, height };
}

/**
 * Ink darkness over the picture, against the paper's level around each pixel: the closing by a seventh of the
 * shorter side, except inside strokes wider than that square (a large digit in felt-tip), which it takes for a
 * dark sheet: there the closing by a third of the picture, on a pooled copy, is the paper. `poolShift` > 0 runs the
 * narrow closing on a copy max-pooled by 2^poolShift too, with its square as many times smaller (the input spec's
 * `page.lightPool`): the paper's level varies over tens of pixels, so a quarter of the pixels give it for a quarter
 * of the time; pooling by the maximum keeps every pixel of paper at least as light as before.
 */
export function flattenLight(image: GrayImage, poolShift = 0, closingShare = CLOSING_SHARE): GrayImage {
  const { width, height } = image;
  const window = Math.max(MIN_WINDOW, Math.round(Math.min(width, height) * closingShare) | 1);
  const narrow = poolShift > 0 ? maxPool(image, poolShift) : image;
  const paper = closing(narrow, (window >> poolShift) | 1);
  // The wide copy's blocks are whole blocks of the narrow copy's (both start at 0): pooled from it, a pass fewer.
  const pooled = poolShift <= WIDE_POOL_SHIFT ? maxPool(narrow, WIDE_POOL_SHIFT - poolShift) : maxPool(image, WIDE_POOL_SHIFT);
  const wide = closing(pooled, Math.max(3, ((Math.min(width, height) * WIDE_SHARE) >> WIDE_POOL_SHIFT) | 1));
  // Below this level, the narrow closing's "paper" is ink against the wide closing's paper.
  const inkBelow = wide.map((level) => Math.ceil(INK_AGAINST_PAPER * level));
  // A pixel's paper level depends only on its block of the finer pooled copy (2^shift pixels a side): found once a
  // block, then read for each of its pixels (flattenLight 1.17 -> 1.08 ms on a small photo with the pooling above).
  const shift = Math.min(poolShift, WIDE_POOL_SHIFT);
  const blocksWide = (width + (1 << shift) - 1) >> shift;
  const blocksHigh = (height + (1 << shift) - 1) >> shift;
  const levels = new Uint8Array(blocksWide * blocksHigh);
  for (let by = 0; by < blocksHigh; by += 1) {
    const row = (by >> (WIDE_POOL_SHIFT - shift)) * pooled.width;
    const narrowRow = (by >> (poolShift - shift)) * narrow.width;
    for (let bx = 0; bx < blocksWide; bx += 1) {
      const j = row + (bx >> (WIDE_POOL_SHIFT - shift));
      const near = paper[narrowRow + (bx >> (poolShift - shift))]!;
      const found = near < inkBelow[j]! ? wide[j]! : near;
      levels[by * blocksWide + bx] = found < MIN_PAPER ? MIN_PAPER : found;
    }
  }
  const out = new Uint8Array(image.data.length);
  for (let y = 0; y < height; y += 1) {
    const row = (y >> shift) * blocksWide;
    for (let x = 0, i = y * width; x < width; x += 1, i += 1) {
      out[i] = INK_DARKNESS[(levels[row + (x >> shift)]! << 8) | image.data[i]!]!;
    }
  }
  return { data: out, width, height };
}
