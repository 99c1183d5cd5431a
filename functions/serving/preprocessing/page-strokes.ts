import type { GrayImage } from './decode';
import type { Box } from './mnist-fit';

/**
 * Picks the written digit among what is left after the light and the ruling: a threshold relative to the
 * strongest ink (pencil is faint, felt-tip is dark), connected strokes, then the largest mass of ink that is not
 * a long thin line (a margin, a shadow's edge, the sheet's edge) with the strokes near it (a 5's flag, a broken
 * pencil line).
 */

/**
 * Hysteresis, as shares of the strongest ink (its 99.95th percentile): a stroke is the connected pixels above the
 * low share that reach the high share somewhere. Faint parts of a pencil stroke stay joined to it, while what is
 * left of a ruling line or a shadow's edge, never as dark as the writing, goes. The input spec's `page.lowShare` may
 * say another low share (a second look's reading, model-spec.ts).
 */
const LOW_SHARE = 0.25;
const HIGH_SHARE = 0.5;
/** Below this darkness (of 255) there is no ink worth reading, whatever the share. */
const MIN_THRESHOLD = 14;
/**
 * A stroke somewhere at least this dark (of 255, once light and ruling are gone). What ruling leaves on a page with
 * nothing written reaches about 50; soft pencil on the generated pages 75 and more.
 */
const MIN_PEAK = 60;
/**
 * Faint ink (fountain-pen blue, soft pencil) peaks at 40-60 once light and ruling are gone; what ruling leaves on a
 * blank page reaches about 30 in specks, and about 55 only in noisy patches.
 */
const FAINT_PEAK = 40;
/**
 * A part found with a higher low share is a digit split from the lines it touched only if it is this large (its box's
 * longer side, as a share of the picture's shorter side): a shadow's edge cut by the picture's edge splits too,
 * into small pieces.
 */
const SPLIT_MIN_SIZE = 0.1;
/** A compact part fills this share of its box, its box's shorter side is this share of the picture's... */
const COMPACT_FILL = 0.15;
const COMPACT_SIDE = 0.05;
/** ...and it is evenly dark, as a stroke is along itself: its mean at least this share of its peak. */
const COMPACT_EVEN = 0.5;
/** Components that span this share of the picture's width or height and fill little of their box are lines. */
const LINE_SPAN = 0.6;
const LINE_FILL = 0.12;
/** Strokes this close to the digit (share of its size) and this large (share of its area) belong to it. */
const JOIN_GAP = 0.25;
const JOIN_AREA = 0.04;

export interface Strokes {
  /** The digit's ink, zero outside its strokes, cropped to them. */
  patch: GrayImage;
  box: Box;
  /** Pixels of the digit's strokes. */
  area: number;
  /** Pixels on the edge of the strokes (for the stroke width). */
  edge: number;
  /** Found only by a later, looser attempt (faint ink, strokes tangled with the ruling): an unclear reading. */
  unclear: boolean;
}

/** The value under which `share` of the values lie (zeros left out when `skipZero`: the paper around strokes). */
export function percentileOf(values: Uint8Array, share: number, skipZero = false): number {
  const histogram = new Uint32Array(256);
  let count = 0;
  // Indexed, not for…of: the iterator costs more than the counting on a working picture.
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i]!;
    if (skipZero && value === 0) continue;
    histogram[value]! += 1;
    count += 1;
  }
  let seen = 0;
  let value = 0;
  while (value < 255 && seen + histogram[value]! < share * count) seen += histogram[value++]!;
  return value;
}

interface Component {
  area: number;
  mass: number;
  peak: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * The flood fill's stack, kept from one fill to the next (a fill runs to its end synchronously, so none overlap) and
 * grown to the largest picture filled: a new one for each threshold was the largest of the page work's allocations.
 */
let floodStack = new Int32Array(0);

/**
 * 8-connected components of the pixels at or above `threshold`; labels are 1-based, 0 is paper. Two bytes a label
 * wherever the picture cannot hold 65,535 parts (one pixel in four at most: a working picture always), else four.
 */
function components(image: GrayImage, threshold: number): { labels: Uint16Array | Int32Array; parts: Component[] } {
  const { width, height, data } = image;
  const mostParts = Math.ceil(width / 2) * Math.ceil(height / 2);
  const labels = mostParts < 0xffff ? new Uint16Array(width * height) : new Int32Array(width * height);
  const parts: Component[] = [];
  if (floodStack.length < width * height) floodStack = new Int32Array(width * height);
  const stack = floodStack;
  for (let start = 0; start < data.length; start += 1) {
    if (labels[start] !== 0 || data[start]! < threshold) continue;
    const label = parts.length + 1;
    const part: Component = { area: 0, mass: 0, peak: 0, left: width, top: height, right: -1, bottom: -1 };
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width;
      const y = (i - x) / width;
      part.area += 1;
      part.mass += data[i]!;
      if (data[i]! > part.peak) part.peak = data[i]!;
      if (x < part.left) part.left = x;
      if (x > part.right) part.right = x;
      if (y < part.top) part.top = y;
      if (y > part.bottom) part.bottom = y;
      for (let dy = -1; dy <= 1; dy += 1) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx += 1) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (labels[j] === 0 && data[j]! >= threshold) {
            labels[j] = label;
            stack[top++] = j;
          }
        }
      }
    }
    parts.push(part);
  }
  return { labels, parts };
}

function isLine(part: Component, width: number, height: number): boolean {
  const w = part.right - part.left + 1;
  const h = part.bottom - part.top + 1;
  const long = w >= LINE_SPAN * width || h >= LINE_SPAN * height;
  return long && part.area < LINE_FILL * w * h;
}

/**
 * How the strokes are looked for, in turn, until one reads as a digit. First the usual hysteresis. Then higher low
 * shares: what faint ruling is left can join a digit to a line crossing the picture, which then touches its edge.
 * Last, ink fainter than MIN_PEAK (fountain-pen blue, soft pencil), taken only in a compact part: what ruling leaves on
 * a blank page is thin, broken lines.
 */
const attempts = (lowShare: number) => [
  { low: lowShare, minPeak: MIN_PEAK, minSize: 0, compact: false },
  { low: 0.4, minPeak: MIN_PEAK, minSize: SPLIT_MIN_SIZE, compact: false },
  { low: 0.55, minPeak: MIN_PEAK, minSize: SPLIT_MIN_SIZE, compact: false },
  { low: lowShare, minPeak: FAINT_PEAK, minSize: 0, compact: true },
];
type Attempt = ReturnType<typeof attempts>[number];

/** The digit's strokes, or undefined when the page holds ink but nothing that reads as a written character. */
export function findStrokes(ink: GrayImage, lowShare = LOW_SHARE): Strokes | undefined {
  const strongest = percentileOf(ink.data, 0.9995);
  // The first and the last attempts threshold alike: their parts are labelled once.
  const labelled = new Map<number, ReturnType<typeof components>>();
  const partsAt = (threshold: number) => {
    if (!labelled.has(threshold)) labelled.set(threshold, components(ink, threshold));
    return labelled.get(threshold)!;
  };
  for (const [i, attempt] of attempts(lowShare).entries()) {
    const threshold = Math.max(MIN_THRESHOLD, Math.round(attempt.low * strongest));
    const found = strokesAt(ink, partsAt(threshold), Math.max(attempt.minPeak, HIGH_SHARE * strongest), attempt);
    if (found) return { ...found, unclear: i > 0 };
  }
  return undefined;
}

/** The strokes one attempt finds among the parts above its threshold: the heaviest candidate and the parts near it. */
function strokesAt(
  ink: GrayImage,
  { labels, parts }: ReturnType<typeof components>,
  high: number,
  attempt: Attempt,
): Omit<Strokes, 'unclear'> | undefined {
  const minArea = Math.max(4, 2e-4 * ink.width * ink.height);
  const shorter = Math.min(ink.width, ink.height);
  // A part cut by the picture's edge is a shadow's corner or the sheet's edge: people photograph the digit whole.
  const onEdge = (part: Component) =>
    part.left === 0 || part.top === 0 || part.right === ink.width - 1 || part.bottom === ink.height - 1;
  const compact = (part: Component) => {
    const w = part.right - part.left + 1;
    const h = part.bottom - part.top + 1;
    return (
      part.area >= COMPACT_FILL * w * h &&
      Math.min(w, h) >= COMPACT_SIDE * shorter &&
      part.mass >= COMPACT_EVEN * part.peak * part.area
    );
  };
  const candidate = (part: Component) =>
    part.area >= minArea &&
    Math.max(part.right - part.left, part.bottom - part.top) + 1 >= attempt.minSize * shorter &&
    part.peak >= high &&
    !onEdge(part) &&
    !isLine(part, ink.width, ink.height) &&
    (!attempt.compact || compact(part));
  let main = -1;
  parts.forEach((part, i) => {
    if (candidate(part) && (main < 0 || part.mass > parts[main]!.mass)) main = i;
  });
  if (main < 0) return undefined;
  const core = parts[main]!;
  const size = Math.max(core.right - core.left, core.bottom - core.top) + 1;
  const gap = JOIN_GAP * size;
  const chosen = new Uint8Array(parts.length + 1);
  chosen[main + 1] = 1;
  const box = { left: core.left, top: core.top, right: core.right, bottom: core.bottom };
  parts.forEach((part, i) => {
    if (i === main || part.area < JOIN_AREA * core.area || !candidate({ ...part, area: minArea })) return;
    const near =
      part.left <= core.right + gap &&
      part.right >= core.left - gap &&
      part.top <= core.bottom + gap &&
      part.bottom >= core.top - gap;
    if (!near) return;
    chosen[i + 1] = 1;
    box.left = Math.min(box.left, part.left);
    box.top = Math.min(box.top, part.top);
    box.right = Math.max(box.right, part.right);
    box.bottom = Math.max(box.bottom, part.bottom);
  });
  const width = box.right - box.left + 1;
  const height = box.bottom - box.top + 1;
  const data = new Uint8Array(width * height);
  let area = 0;
  let edge = 0;
  const inStroke = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < ink.width && y < ink.height && chosen[labels[y * ink.width + x]!] === 1;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [sx, sy] = [box.left + x, box.top + y];
      if (!inStroke(sx, sy)) continue;
      data[y * width + x] = ink.data[sy * ink.width + sx]!;
      area += 1;
      if (!inStroke(sx - 1, sy) || !inStroke(sx + 1, sy) || !inStroke(sx, sy - 1) || !inStroke(sx, sy + 1)) edge += 1;
    }
  }
  return { patch: { data, width, height }, box: { left: box.left, top: box.top, width, height }, area, edge };
}
