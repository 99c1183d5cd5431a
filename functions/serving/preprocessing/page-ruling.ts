import type { MnistPageSpec } from '../model-spec';
import type { GrayImage } from './decode';

/**
 * Ruling and grid removal. School paper's lines (Seyès, squared, the margin) cross the whole picture at the sheet's
 * angle. Once that angle is known, every line of pixels along it has a level that most of its pixels share: the
 * printed line where there is one, the paper elsewhere. A low percentile of each stretch of such a line is that
 * level even where the digit crosses it (the digit covers a small share of the stretch); subtracting it leaves the
 * strokes and removes the ruling. On a tight crop of a digit (an MNIST picture) no stretch is mostly ink, so
 * nothing is removed.
 */

/**
 * Sheet angles searched (degrees): phones hold the page roughly straight, within about 20° (the photos); EXIF
 * takes care of quarter turns.
 */
const MAX_ANGLE = 22;
/** Longest side of the picture the coarse angle search works on. */
const SEARCH_SIDE = 128;
/** Pixels of a stretch whose level is taken separately: short enough that a curved or mis-angled line stays in one row. */
const STRETCH = 128;
/** Share of a stretch below its level: the printed line must cover the rest. */
const LEVEL_PERCENTILE = 0.15;
/** How much higher than its lowest stretch a line's level may be elsewhere (of 255): shading along a line. */
const CAP_MARGIN = 8;

/** Smallest and largest of x·ax + y·ay over the picture (taken at its corners). */
function range(width: number, height: number, ax: number, ay: number): [number, number] {
  const corners = [0, width * ax, height * ay, width * ax + height * ay];
  return [Math.min(...corners), Math.max(...corners)];
}

/** Block means, `factor`² pixels each (the last partial rows and columns left out), of a copy at most `maxSide` wide. */
function shrink(image: GrayImage, maxSide: number): GrayImage {
  const factor = Math.max(1, Math.ceil(Math.max(image.width, image.height) / maxSide));
  if (factor === 1) return image;
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const data = new Uint8Array(width * height);
  const source = image.data;
  if (factor === 2) {
    // The usual case (a 256-pixel working picture to the search's 128-pixel copy) unrolled: a third of the time.
    for (let y = 0; y < height; y += 1) {
      const top = 2 * y * image.width;
      const bottom = top + image.width;
      for (let x = 0, i = 0, o = y * width; x < width; x += 1, i += 2, o += 1) {
        data[o] = (source[top + i]! + source[top + i + 1]! + source[bottom + i]! + source[bottom + i + 1]!) / 4;
      }
    }
    return { data, width, height };
  }
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy += 1) {
        const row = (y * factor + dy) * image.width + x * factor;
        for (let dx = 0; dx < factor; dx += 1) sum += source[row + dx]!;
      }
      data[y * width + x] = sum / (factor * factor);
    }
  }
  return { data, width, height };
}

/** Variance of a projection profile (per-bin sums and counts) around its mean, weighted by the counts. */
function profileVariance(sums: Int32Array, counts: Int32Array): number {
  let total = 0;
  let n = 0;
  for (let i = 0; i < sums.length; i += 1) {
    total += sums[i]!;
    n += counts[i]!;
  }
  const mean = total / n;
  let score = 0;
  for (let i = 0; i < sums.length; i += 1) if (counts[i]! > 0) score += counts[i]! * (sums[i]! / counts[i]! - mean) ** 2;
  return score;
}

/** Where a picture's pixels fall across the rows and across the columns at an angle: geometry, not pixels. */
interface ProfileGeometry {
  cos: number;
  sin: number;
  rowLow: number;
  columnLow: number;
  /** Pixels per bin of each profile. */
  rowCounts: Int32Array;
  columnCounts: Int32Array;
}

/**
 * Each picture size and angle's geometry, kept: the same for every picture of that size, and a container sees few
 * sizes (the working size and the search's copies fix them), so the search then gathers only the pixels' sums.
 */
const geometries = new Map<string, ProfileGeometry>();
/** A bound on what is kept (a few MB): sizes beyond it are measured again. */
const MAX_GEOMETRIES = 2048;

function profileGeometry(width: number, height: number, degrees: number): ProfileGeometry {
  const key = `${width}x${height}@${degrees}`;
  const kept = geometries.get(key);
  if (kept) return kept;
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // Normal coordinates of (x, y): across the rows (−sin, cos), across the columns (cos, sin).
  const [rowLow, rowHigh] = range(width, height, -sin, cos);
  const [columnLow, columnHigh] = range(width, height, cos, sin);
  const rowCounts = new Int32Array(Math.ceil(rowHigh - rowLow) + 2);
  const columnCounts = new Int32Array(Math.ceil(columnHigh - columnLow) + 2);
  for (let y = 0; y < height; y += 1) {
    // Non-negative, so truncating after adding a half rounds.
    const rowStart = y * cos - rowLow + 0.5;
    const columnStart = y * sin - columnLow + 0.5;
    for (let x = 0; x < width; x += 1) {
      rowCounts[(x * -sin + rowStart) | 0]! += 1;
      columnCounts[(x * cos + columnStart) | 0]! += 1;
    }
  }
  const geometry = { cos, sin, rowLow, columnLow, rowCounts, columnCounts };
  if (geometries.size >= MAX_GEOMETRIES) geometries.clear();
  geometries.set(key, geometry);
  return geometry;
}

/**
 * How strongly the picture's ink lines up along direction `degrees` and across it: the variances of its two
 * projection profiles (rows run along (cos, sin), columns along (−sin, cos)), both gathered in one pass.
 */
function alignment(image: GrayImage, degrees: number): number {
  const { width, height, data } = image;
  const { cos, sin, rowLow, columnLow, rowCounts, columnCounts } = profileGeometry(width, height, degrees);
  const rowSums = new Int32Array(rowCounts.length);
  const columnSums = new Int32Array(columnCounts.length);
  for (let y = 0; y < height; y += 1) {
    const row = y * width;
    const rowStart = y * cos - rowLow + 0.5;
    const columnStart = y * sin - columnLow + 0.5;
    // Along a row of pixels the rows' bin changes only every 1/|sin| pixels: summed locally, written on each change.
    let bin = rowStart | 0;
    let sum = 0;
    for (let x = 0; x < width; x += 1) {
      const value = data[row + x]!;
      const b = (x * -sin + rowStart) | 0;
      if (b !== bin) {
        rowSums[bin]! += sum;
        bin = b;
        sum = 0;
      }
      sum += value;
      columnSums[(x * cos + columnStart) | 0]! += value;
    }
    rowSums[bin]! += sum;
  }
  return profileVariance(rowSums, rowCounts) + profileVariance(columnSums, columnCounts);
}

/** A picture's alignment at an angle (degrees), each angle measured once: a search's next step revisits its best. */
type Alignment = (degrees: number) => number;

function alignmentOf(image: GrayImage): Alignment {
  const measured = new Map<number, number>();
  return (degrees) => {
    let score = measured.get(degrees);
    if (score === undefined) {
      score = alignment(image, degrees);
      measured.set(degrees, score);
    }
    return score;
  };
}

function bestAngle(align: Alignment, from: number, to: number, step: number): number {
  let best = 0;
  let bestScore = -1;
  for (let degrees = from; degrees <= to + 1e-9; degrees += step) {
    const score = align(degrees);
    if (score > bestScore) {
      bestScore = score;
      best = degrees;
    }
  }
  return best;
}

/**
 * From `start`, `step` by `step` towards the better neighbour while the alignment rises, at most `reach` away: the
 * best angle of `bestAngle(align, start - reach, start + reach, step)` wherever the alignment has one peak there, in
 * 3 to 4 evaluations where that search makes 9 (page.angleRefine `climb`). On equal scores it stays, as `bestAngle`
 * keeps the first best.
 */
function climbAngle(align: Alignment, start: number, reach: number, step: number): number {
  let best = start;
  let bestScore = align(start);
  const above = align(start + step);
  const below = align(start - step);
  if (bestScore >= above && bestScore >= below) return best;
  const direction = above > below ? 1 : -1;
  best = start + direction * step;
  bestScore = Math.max(above, below);
  for (let degrees = best + direction * step; Math.abs(degrees - start) <= reach + 1e-9; degrees += direction * step) {
    const score = align(degrees);
    if (score <= bestScore) break;
    best = degrees;
    bestScore = score;
  }
  return best;
}

type AngleRefine = NonNullable<MnistPageSpec['angleRefine']>;

/**
 * The sheet's angle (degrees, clockwise): a search on a small copy in 2° then 1° steps (the profiles' sharpness
 * varies smoothly over a degree or two), refined in quarter degrees on a finer copy, at every angle within a degree
 * or climbing (`refine`, the model's `input.page.angleRefine`).
 */
export function rulingAngle(ink: GrayImage, refine: AngleRefine = 'every'): number {
  const small = alignmentOf(shrink(ink, SEARCH_SIDE));
  const rough = bestAngle(small, -MAX_ANGLE, MAX_ANGLE, 2);
  const coarse = bestAngle(small, rough - 1, rough + 1, 1);
  const fine = alignmentOf(shrink(ink, SEARCH_SIDE * 2));
  return refine === 'climb' ? climbAngle(fine, coarse, 1, 0.25) : bestAngle(fine, coarse - 1, coarse + 1, 0.25);
}

/**
 * The stretches of lines along `angle` (rows) or across it (columns): each pixel's cell, numbered
 * bin · stretches + stretch, bins across the lines and stretches of about STRETCH pixels along them.
 */
interface LineCells {
  cellOf: Uint16Array | Uint32Array;
  bins: number;
  stretches: number;
}

function lineCells(width: number, height: number, angle: number, columns: boolean): LineCells {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const [ax, ay] = columns ? [cos, sin] : [-sin, cos];
  const [tx, ty] = columns ? [-sin, cos] : [cos, sin];
  const [low, high] = range(width, height, ax, ay);
  const offset = -low;
  const [start, end] = range(width, height, tx, ty);
  const stretches = Math.max(1, Math.floor((end - start) / STRETCH));
  const perStretch = stretches / (end - start + 1e-6);
  const bins = Math.ceil(high - low) + 2;
  // Half the memory when the cells allow it (they do at every working size).
  const cellOf = bins * stretches <= 0xffff ? new Uint16Array(width * height) : new Uint32Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const binStart = y * ay + offset + 0.5;
    const alongStart = y * ty - start;
    for (let x = 0; x < width; x += 1) {
      const bin = (x * ax + binStart) | 0;
      const stretch = Math.min(stretches - 1, ((x * tx + alongStart) * perStretch) | 0);
      cellOf[y * width + x] = bin * stretches + stretch;
    }
  }
  return { cellOf, bins, stretches };
}

/** Bins of a stretch's histogram, 4 values each: its level is known to 4 of 255, all a line's level needs. */
const LEVEL_BINS = 64;

/** The level of every stretch of line from its histogram: a low percentile, widened across and capped along the line. */
function stretchLevels(histograms: Uint16Array, { bins, stretches }: LineCells): Uint8Array {
  const cells = bins * stretches;
  const counts = new Uint32Array(cells);
  const levels = new Uint8Array(cells);
  for (let c = 0; c < cells; c += 1) {
    const histogram = c * LEVEL_BINS;
    let count = 0;
    for (let bin = 0; bin < LEVEL_BINS; bin += 1) count += histograms[histogram + bin]!;
    counts[c] = count;
    if (count === 0) continue;
    let seen = 0;
    let bin = 0;
    while (bin < LEVEL_BINS - 1 && seen + histograms[histogram + bin]! <= LEVEL_PERCENTILE * count) {
      seen += histograms[histogram + bin++]!;
    }
    levels[c] = bin * 4;
  }
  // A line seldom falls on one row of pixels: it straddles two, in shares that drift along it. Each row takes the
  // highest level of itself and its two neighbours, so the whole line goes, not a wavy remainder of it.
  const widened = new Uint8Array(cells);
  for (let c = 0; c < cells; c += 1) {
    const before = c >= stretches ? levels[c - stretches]! : 0;
    const after = c + stretches < cells ? levels[c + stretches]! : 0;
    widened[c] = Math.max(levels[c]!, before, after);
  }
  // A printed line crosses the whole picture: its level is the same in every stretch. A level found in some
  // stretches only is a stroke lying along the ruling (a 7's bar, a 4's), not a line: each bin keeps the lowest
  // level of its well-filled stretches.
  for (let bin = 0; bin < bins; bin += 1) {
    let lowest = 255;
    for (let k = 0; k < stretches; k += 1) {
      const c = bin * stretches + k;
      if (counts[c]! >= STRETCH / 2 && widened[c]! < lowest) lowest = widened[c]!;
    }
    if (lowest === 255) continue;
    for (let k = 0; k < stretches; k += 1) {
      const c = bin * stretches + k;
      if (widened[c]! > lowest + CAP_MARGIN) widened[c] = lowest + CAP_MARGIN;
    }
  }
  return widened;
}

const emptyHistograms = ({ bins, stretches }: LineCells) => new Uint16Array(bins * stretches * LEVEL_BINS);

/**
 * Subtracts from every pixel the level of its stretch of line along `angle` (rows), then from what is left the level
 * of its stretch across it (columns), in three passes over the pixels: the rows' histograms; the rows' levels
 * subtracted, with the columns' histograms of the result; the columns' levels subtracted.
 */
function subtractLines(image: GrayImage, angle: number): GrayImage {
  const { width, height, data } = image;
  const rows = lineCells(width, height, angle, false);
  const columns = lineCells(width, height, angle, true);
  const rowOf = rows.cellOf;
  const columnOf = columns.cellOf;
  const rowHistograms = emptyHistograms(rows);
  for (let i = 0; i < data.length; i += 1) rowHistograms[rowOf[i]! * LEVEL_BINS + (data[i]! >> 2)]! += 1;
  const rowLevels = stretchLevels(rowHistograms, rows);
  const out = new Uint8Array(width * height);
  const columnHistograms = emptyHistograms(columns);
  for (let i = 0; i < out.length; i += 1) {
    const d = data[i]! - rowLevels[rowOf[i]!]!;
    const v = d > 0 ? d : 0;
    out[i] = v;
    columnHistograms[columnOf[i]! * LEVEL_BINS + (v >> 2)]! += 1;
  }
  const columnLevels = stretchLevels(columnHistograms, columns);
  for (let i = 0; i < out.length; i += 1) {
    const v = out[i]! - columnLevels[columnOf[i]!]!;
    out[i] = v > 0 ? v : 0;
  }
  return { data: out, width, height };
}

/**
 * The ink with the sheet's ruling (rows and columns at the sheet's angle) subtracted. `knownAngle` (degrees): the
 * sheet's angle found on another flattening of the same picture, used instead of searching again.
 */
export function removeRuling(
  ink: GrayImage,
  refine: AngleRefine = 'every',
  knownAngle?: number,
): { ink: GrayImage; angleDegrees: number } {
  const angleDegrees = knownAngle ?? rulingAngle(ink, refine);
  const angle = (angleDegrees * Math.PI) / 180;
  return { ink: subtractLines(ink, angle), angleDegrees };
}
