import type { GrayImage } from './decode';
import { percentileOf, type Strokes } from './page-strokes';

/**
 * Strokes hollowed by the light flattening, filled again (issue #27). Where a stroke is wider than the flattening's
 * square (a felt-tip digit written large), the closing takes the stroke's inside for paper, so the digit's strokes
 * come out hollow and get misread. Such an inside is as dark as the strokes around it in the picture itself: from
 * the strokes found, the pixels about as dark as them are taken back, as long as that dark part stays around the
 * digit. A shadow or a line it touches goes on beyond the digit's surroundings and is left as it was.
 */

/** Around the digit's box, this share of its size: the surroundings a hollow cannot leave. */
const MARGIN = 0.15;
/** Paper this much lighter than the strokes (of 255), or there is nothing to tell apart. */
const MIN_CONTRAST = 25;
/** A hollow is at most this share of the way from the strokes' darkness to the paper's. */
const HOLLOW_DARKNESS = 0.3;
/** Fewer pixels than this share of the strokes' area are a stroke's blurred rim, not a hollow: left alone. */
const MIN_FILLED = 0.05;

/**
 * The strokes with their hollows filled, or the same strokes when there is none. `light` is the working picture as
 * dark ink on light paper (the one the light was flattened from), at the strokes' scale.
 */
export function fillHollows(light: GrayImage, strokes: Strokes): Strokes {
  const { box, patch } = strokes;
  const margin = Math.max(2, Math.round(MARGIN * Math.max(box.width, box.height)));
  const left = Math.max(0, box.left - margin);
  const top = Math.max(0, box.top - margin);
  const width = Math.min(light.width, box.left + box.width + margin) - left;
  const height = Math.min(light.height, box.top + box.height + margin) - top;
  const region = new Uint8Array(width * height);
  const filled = new Uint8Array(width * height);
  const strokeValues = new Uint8Array(strokes.area);
  let n = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      region[i] = light.data[(top + y) * light.width + left + x]!;
      const [px, py] = [left + x - box.left, top + y - box.top];
      if (px >= 0 && py >= 0 && px < box.width && py < box.height && patch.data[py * box.width + px]! > 0) {
        filled[i] = 1;
        strokeValues[n++] = region[i]!;
      }
    }
  }
  const strokeLevel = percentileOf(strokeValues.subarray(0, n), 0.5);
  const paper = percentileOf(region, 0.9);
  if (paper - strokeLevel < MIN_CONTRAST) return strokes;
  const darkest = strokeLevel + HOLLOW_DARKNESS * (paper - strokeLevel);
  // Flood from the strokes into pixels as dark as they are; reaching the surroundings' edge means no hollow.
  const stack = new Int32Array(width * height);
  let pending = 0;
  for (let i = 0; i < filled.length; i += 1) if (filled[i]) stack[pending++] = i;
  let added = 0;
  const visit = (j: number, x: number, y: number) => {
    if (filled[j] || region[j]! > darkest) return true;
    if (x === 0 || y === 0 || x === width - 1 || y === height - 1) return false;
    filled[j] = 2;
    added += 1;
    stack[pending++] = j;
    return true;
  };
  while (pending > 0) {
    const i = stack[--pending]!;
    const x = i % width;
    const y = (i - x) / width;
    const stays =
      (x === 0 || visit(i - 1, x - 1, y)) &&
      (x === width - 1 || visit(i + 1, x + 1, y)) &&
      (y === 0 || visit(i - width, x, y - 1)) &&
      (y === height - 1 || visit(i + width, x, y + 1));
    if (!stays) return strokes;
  }
  if (added < MIN_FILLED * strokes.area) return strokes;
  return filledStrokes(strokes, filled, { left, top, width, height });
}

/** The strokes redrawn from the filled mask: old pixels keep their ink, filled ones get the strokes' usual ink. */
function filledStrokes(
  strokes: Strokes,
  filled: Uint8Array,
  region: { left: number; top: number; width: number; height: number },
): Strokes {
  const { box, patch } = strokes;
  const { width, height } = region;
  const level = percentileOf(patch.data, 0.75, true);
  let [minX, minY, maxX, maxY] = [width, height, -1, -1];
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (!filled[y * width + x]) continue;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  }
  const w = maxX - minX + 1;
  const h = maxY - minY + 1;
  const data = new Uint8Array(w * h);
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && filled[y * width + x]! > 0;
  let area = 0;
  let edge = 0;
  for (let y = minY; y <= maxY; y += 1) {
    for (let x = minX; x <= maxX; x += 1) {
      const mark = filled[y * width + x];
      if (!mark) continue;
      const [px, py] = [region.left + x - box.left, region.top + y - box.top];
      data[(y - minY) * w + (x - minX)] = mark === 1 ? Math.max(patch.data[py * box.width + px]!, level) : level;
      area += 1;
      if (!inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1)) edge += 1;
    }
  }
  return {
    ...strokes,
    patch: { data, width: w, height: h },
    box: { left: region.left + minX, top: region.top + minY, width: w, height: h },
    area,
    edge,
  };
}
