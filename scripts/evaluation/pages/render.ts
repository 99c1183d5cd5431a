import type { PageConditions } from './conditions';
import type { Random } from './random';

/**
 * Paints a photographed sheet: paper with its ruling, one MNIST digit as a pen or pencil would leave it, the
 * room's light, the camera's noise. Physical sizes (mm) fix the ruling against the digit, as on real paper.
 * Pixels are RGB, upright; encode.ts turns them into a phone JPEG.
 */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

type Rgb = [number, number, number];
type Range = [low: number, high: number];
interface Ruling {
  /** Spacing (mm), width (mm), colour, opacity, phase (mm). */
  spacing: number;
  width: number;
  colour: Rgb;
  opacity: number;
  phase: number;
}

const SEYES_FINE: Rgb = [150, 150, 215];
const SEYES_STRONG: Rgb = [105, 95, 190];
const MARGIN_RED: Rgb = [215, 55, 70];
const SQUARED_COLOURS: Rgb[] = [
  [140, 170, 215],
  [150, 150, 155],
  [160, 145, 210],
];

function rulings(c: PageConditions, random: Random): { rows: Ruling[]; columns: Ruling[] } {
  if (c.paper === 'plain') return { rows: [], columns: [] };
  if (c.paper === 'squared') {
    const line = { spacing: 5, width: random.between(0.1, 0.2), colour: random.pick(SQUARED_COLOURS) };
    const opacity = random.between(0.45, 0.85);
    return {
      rows: [{ ...line, opacity, phase: random.between(0, 5) }],
      columns: [{ ...line, opacity, phase: random.between(0, 5) }],
    };
  }
  const phase = random.between(0, 8);
  const fine = { colour: SEYES_FINE, opacity: random.between(0.4, 0.8), width: random.between(0.08, 0.15) };
  return {
    rows: [
      { ...fine, spacing: 2, phase },
      { spacing: 8, width: random.between(0.18, 0.3), colour: SEYES_STRONG, opacity: random.between(0.6, 0.9), phase },
    ],
    columns: [{ ...fine, spacing: 8, phase: random.between(0, 8) }],
  };
}

/**
 * A ruling's sizes in pixels, worked out once per page. The set is frozen (every page byte for byte, tested by
 * tests/unit/frozen-digit-sets.test.ts), so the per-pixel arithmetic below is the very arithmetic of the first
 * painter, operation for operation: only the products that did not change from pixel to pixel are hoisted.
 */
interface PixelRuling {
  spacing: number;
  phase: number;
  /** A pixel is touched where its distance to the line is under `reach` (width / 2 + 0.5). */
  reach: number;
  /** Most of a pixel the line covers: min(width, 1). */
  cap: number;
  opacity: number;
  colour: Rgb;
}

function inPixels(line: Ruling, pxPerMm: number): PixelRuling {
  const width = line.width * pxPerMm;
  return {
    spacing: line.spacing * pxPerMm,
    phase: line.phase * pxPerMm,
    reach: width / 2 + 0.5,
    cap: Math.min(width, 1),
    opacity: line.opacity,
    colour: line.colour,
  };
}

/**
 * Farther than this (px) from the nearest line by a quick estimate, a pixel is certainly untouched: the estimate
 * (a division and a floor instead of two `%`, the slow part of the painter) is off by ~1e-12 px, so the exact
 * sum decides whatever falls inside the margin.
 */
const SURELY_CLEAR = 1e-6;

/** The line's alpha over the pixel at `position` across it (0: untouched), exactly as the box filter gives it. */
function lineAlpha(position: number, line: PixelRuling): number {
  const { spacing } = line;
  const shifted = position - line.phase;
  const turns = shifted / spacing;
  const fraction = turns - Math.floor(turns);
  if ((fraction < 0.5 ? fraction : 1 - fraction) * spacing > line.reach + SURELY_CLEAR) return 0;
  const offset = ((shifted % spacing) + spacing) % spacing;
  const cover = Math.min(Math.max(line.reach - Math.min(offset, spacing - offset), 0), line.cap);
  return cover * line.opacity;
}

interface InkStyle {
  colour: Rgb;
  /** MNIST level at which the stroke edge sits: higher is thinner. */
  edge: number;
  softness: number;
  opacity: number;
  /** Share of the stroke the paper's grain lets through (pencil). */
  grain: number;
}

/** Each ink's colours (felt-tips come in three) and the ranges its stroke is drawn from, page by page. */
const INKS: Record<PageConditions['ink'], { colours: Rgb[]; edge: Range; softness: number; opacity: Range; grain: number }> = {
  'ballpoint-blue': { colours: [[35, 50, 150]], edge: [0.5, 0.75], softness: 0.12, opacity: [0.8, 0.95], grain: 0.15 },
  'ballpoint-black': { colours: [[35, 35, 45]], edge: [0.5, 0.75], softness: 0.12, opacity: [0.8, 0.95], grain: 0.15 },
  pencil: { colours: [[80, 80, 88]], edge: [0.45, 0.7], softness: 0.15, opacity: [0.45, 0.75], grain: 0.5 },
  'felt-tip': {
    colours: [
      [25, 25, 30],
      [25, 45, 170],
      [25, 95, 55],
    ],
    edge: [0.12, 0.3],
    softness: 0.1,
    opacity: [0.9, 1],
    grain: 0.05,
  },
  // Washable blue fountain-pen ink: light, half-transparent, its edge soft (drawn only when asked for).
  'fountain-blue': { colours: [[60, 105, 205]], edge: [0.35, 0.65], softness: 0.18, opacity: [0.5, 0.85], grain: 0.1 },
};

function inkStyle(c: PageConditions, random: Random): InkStyle {
  const ink = INKS[c.ink];
  // Drawn in this order (colour, edge, opacity), and a colour picked only where there is a choice: the seeded
  // sets stay the pages they were.
  const base = ink.colours.length > 1 ? random.pick(ink.colours) : ink.colours[0]!;
  return {
    colour: base.map((v) => v + random.between(-12, 12)) as Rgb,
    edge: random.between(...ink.edge),
    softness: ink.softness,
    opacity: random.between(...ink.opacity),
    grain: ink.grain,
  };
}

/** Fills `out[x]` with the multiplier of the light falling on pixel (x, y), for every x of row `y`. */
type RowLight = (y: number, out: Float64Array) => void;

/**
 * The light over the picture, a multiplier of each pixel's colour, worked out a row at a time: what depends on
 * the column alone (u = x / width) is computed once per column, with the same operations a per-pixel function
 * of (u, v) made.
 */
function lighting(c: PageConditions, random: Random, width: number, height: number): RowLight {
  const level = random.between(0.88, 1.04);
  if (c.lighting === 'even') return (_y, out) => out.fill(level);
  const angle = random.between(0, 2 * Math.PI);
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const low = random.between(0.5, 0.72);
  const us = Float64Array.from({ length: width }, (_, x) => x / width);
  const acrossU = us.map((u) => 0.5 + (u - 0.5) * dx);
  const fallU = us.map((u) => (u - 0.5) ** 2);
  const gradient: RowLight = (y, out) => {
    const v = y / height;
    const [acrossV, fallV] = [(v - 0.5) * dy, (v - 0.5) ** 2];
    for (let x = 0; x < width; x += 1) {
      const t = Math.min(Math.max(acrossU[x]! + acrossV, 0), 1);
      const r2 = fallU[x]! + fallV;
      out[x] = (low + (level - low) * t) * (1 - 0.25 * r2);
    }
  };
  if (c.lighting === 'gradient') return gradient;
  // A cast shadow (hand, phone): a half-plane with a soft edge, crossing the picture somewhere.
  const edgeAngle = random.between(0, 2 * Math.PI);
  const [ex, ey] = [Math.cos(edgeAngle), Math.sin(edgeAngle)];
  const through = random.between(-0.3, 0.3);
  const softness = random.between(0.01, 0.08);
  const depth = random.between(0.35, 0.6);
  const edgeU = us.map((u) => (u - 0.5) * ex);
  return (y, out) => {
    gradient(y, out);
    const edgeV = (y / height - 0.5) * ey;
    for (let x = 0; x < width; x += 1) {
      const d = edgeU[x]! + edgeV - through;
      const inShadow = 1 / (1 + Math.exp(-d / softness));
      out[x] = (0.3 + 0.7 * out[x]!) * (1 - depth * inShadow);
    }
  };
}

/** MNIST pixel (px, py) of the digit, 0 outside its 28×28 box. */
const at = (pixels: Uint8Array, px: number, py: number) => (px < 0 || py < 0 || px > 27 || py > 27 ? 0 : pixels[py * 28 + px]!);

function bilinear(pixels: Uint8Array, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 > 27 || y0 > 27) return 0;
  const fx = x - x0;
  const fy = y - y0;
  const top = at(pixels, x0, y0) * (1 - fx) + at(pixels, x0 + 1, y0) * fx;
  const bottom = at(pixels, x0, y0 + 1) * (1 - fx) + at(pixels, x0 + 1, y0 + 1) * fx;
  return (top * (1 - fy) + bottom * fy) / 255;
}

/** smoothstep(low, high, value) with `span` = high − low worked out once. */
const smoothstep = (low: number, span: number, value: number) => {
  const t = Math.min(Math.max((value - low) / span, 0), 1);
  return t * t * (3 - 2 * t);
};

/**
 * Renders the page at `width`×`height` (the picture's upright size scaled down for speed). `coverage`, when given
 * (width × height), receives how much of each pixel the digit's ink covers (0 to 1, before the pen's opacity and
 * grain): the truth an ink segmentation learns from (ink-masks.ts). The page is drawn the same with or without it.
 */
export function renderPage(
  c: PageConditions,
  digit: Uint8Array | undefined,
  width: number,
  height: number,
  random: Random,
  coverage?: Float32Array,
): RgbImage {
  const shortSide = Math.min(width, height);
  const digitPx = c.digitFraction * shortSide;
  const pxPerMm = digitPx / c.digitMillimetres;
  /** Picture pixels per MNIST pixel: the MNIST digit is 20 px high in its 28 px box. */
  const scale = digitPx / 20;
  const theta = (c.rotationDegrees * Math.PI) / 180;
  const slant = theta + (random.between(-4, 4) * Math.PI) / 180;
  const [cosT, sinT, cosS, sinS] = [Math.cos(theta), Math.sin(theta), Math.cos(slant), Math.sin(slant)];
  const half = 14 * scale * 1.05;
  const spread = c.placement === 'centred' ? 0.04 : 0.5;
  const place = (size: number) => {
    const room = Math.max(0, size / 2 - half - 2);
    const offset = random.between(c.placement === 'centred' ? 0 : 0.35, 1) * Math.min(room, spread * size);
    return size / 2 + (random.next() < 0.5 ? -offset : offset);
  };
  const [digitX, digitY] = [place(width), place(height)];
  const { rows, columns } = rulings(c, random);
  // The red margin of Seyès paper, in view on one page in two, never through the digit.
  const margin =
    c.paper === 'seyes' && random.next() < 0.5
      ? (digitX < width / 2 ? 1 : -1) * random.between(half + 6 * pxPerMm, half + 25 * pxPerMm)
      : undefined;
  const style = inkStyle(c, random);
  const light = lighting(c, random, width, height);
  const paper: Rgb = [random.between(236, 252), random.between(234, 250), random.between(222, 245)];
  const cast: Rgb = [1, random.between(0.95, 1), random.between(0.82, 1)];
  const noise = random.between(1.5, 4.5);
  const data = new Uint8Array(width * height * 3);
  const [rowLines, columnLines] = [rows.map((line) => inPixels(line, pxPerMm)), columns.map((line) => inPixels(line, pxPerMm))];
  const marginWidth = 0.35 * pxPerMm;
  const marginLine = { reach: marginWidth / 2 + 0.5, cap: Math.min(marginWidth, 1) };
  const box = half * 1.5;
  const [inkLow, inkSpan] = [style.edge - style.softness, style.edge + style.softness - (style.edge - style.softness)];
  const pixel = new Float64Array(3);
  // Per row: the digit's ink level at each pixel (0: none), then every draw the row makes, in the order the
  // pixels make them (a grain draw where there is ink, then the noise's 4 per channel).
  const levels = new Float64Array(width);
  const lux = new Float64Array(width);
  const draws = new Float64Array(width * (1 + 3 * 4));
  for (let y = 0; y < height; y += 1) {
    const ry = y - digitY;
    let inked = 0;
    levels.fill(0);
    if (digit && Math.abs(ry) < box) {
      for (let x = 0; x < width; x += 1) {
        const rx = x - digitX;
        if (Math.abs(rx) >= box) continue;
        const mx = (cosS * rx + sinS * ry) / scale + 14;
        const my = (-sinS * rx + cosS * ry) / scale + 14;
        levels[x] = bilinear(digit, mx - 0.5, my - 0.5);
        if (levels[x]! > 0) inked += 1;
      }
    }
    random.fill(draws, width * 3 * 4 + inked);
    light(y, lux);
    let d = 0;
    for (let x = 0; x < width; x += 1) {
      pixel[0] = paper[0];
      pixel[1] = paper[1];
      pixel[2] = paper[2];
      // Sheet coordinates (px), centred on the digit so the ruling turns with the sheet.
      const rx = x - digitX;
      const u = cosT * rx + sinT * ry;
      const v = -sinT * rx + cosT * ry;
      for (const line of rowLines) blend(pixel, line.colour, lineAlpha(v, line));
      for (const line of columnLines) blend(pixel, line.colour, lineAlpha(u, line));
      if (margin !== undefined) {
        const cover = Math.min(Math.max(marginLine.reach - Math.abs(u - margin), 0), marginLine.cap);
        blend(pixel, MARGIN_RED, 0.85 * cover);
      }
      const level = levels[x]!;
      if (level > 0) {
        const grain = 1 - style.grain * draws[d++]!;
        const shape = smoothstep(inkLow, inkSpan, level);
        if (coverage) coverage[y * width + x] = shape;
        const a = style.opacity * grain * shape;
        for (let k = 0; k < 3; k += 1) pixel[k] = pixel[k]! * (1 - a + (a * style.colour[k]!) / 255);
      }
      const o = (y * width + x) * 3;
      for (let k = 0; k < 3; k += 1) {
        // random.normal(), spelled out over the row's draws.
        const normal = (draws[d]! + draws[d + 1]! + draws[d + 2]! + draws[d + 3]! - 2) * 1.7320508;
        d += 4;
        data[o + k] = Math.min(255, Math.max(0, pixel[k]! * lux[x]! * cast[k]! + noise * normal));
      }
    }
  }
  return { data, width, height };
}

function blend(pixel: Float64Array, colour: Rgb, alpha: number): void {
  if (alpha <= 0) return;
  for (let k = 0; k < 3; k += 1) pixel[k] = pixel[k]! * (1 - alpha) + colour[k]! * alpha;
}
