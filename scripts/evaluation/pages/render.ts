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

/** Share of a pixel covered by a line of `width` px whose centre is `distance` px away (box filter). */
function coverage(distance: number, width: number): number {
  return Math.min(Math.max(width / 2 + 0.5 - distance, 0), Math.min(width, 1));
}

function lineCover(position: number, line: Ruling, pxPerMm: number): number {
  const spacing = line.spacing * pxPerMm;
  const offset = (((position - line.phase * pxPerMm) % spacing) + spacing) % spacing;
  return coverage(Math.min(offset, spacing - offset), line.width * pxPerMm) * line.opacity;
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

/** Multiplier of the light falling on (u, v) in [0, 1]² of the picture. */
function lighting(c: PageConditions, random: Random): (u: number, v: number) => number {
  const level = random.between(0.88, 1.04);
  if (c.lighting === 'even') return () => level;
  const angle = random.between(0, 2 * Math.PI);
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const low = random.between(0.5, 0.72);
  const gradient = (u: number, v: number) => {
    const t = Math.min(Math.max(0.5 + (u - 0.5) * dx + (v - 0.5) * dy, 0), 1);
    const r2 = (u - 0.5) ** 2 + (v - 0.5) ** 2;
    return (low + (level - low) * t) * (1 - 0.25 * r2);
  };
  if (c.lighting === 'gradient') return gradient;
  // A cast shadow (hand, phone): a half-plane with a soft edge, crossing the picture somewhere.
  const edgeAngle = random.between(0, 2 * Math.PI);
  const [ex, ey] = [Math.cos(edgeAngle), Math.sin(edgeAngle)];
  const through = random.between(-0.3, 0.3);
  const softness = random.between(0.01, 0.08);
  const depth = random.between(0.35, 0.6);
  return (u, v) => {
    const d = (u - 0.5) * ex + (v - 0.5) * ey - through;
    const inShadow = 1 / (1 + Math.exp(-d / softness));
    return (0.3 + 0.7 * gradient(u, v)) * (1 - depth * inShadow);
  };
}

function bilinear(pixels: Uint8Array, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 > 27 || y0 > 27) return 0;
  const fx = x - x0;
  const fy = y - y0;
  const at = (px: number, py: number) => (px < 0 || py < 0 || px > 27 || py > 27 ? 0 : pixels[py * 28 + px]!);
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return (top * (1 - fy) + bottom * fy) / 255;
}

const smoothstep = (low: number, high: number, value: number) => {
  const t = Math.min(Math.max((value - low) / (high - low), 0), 1);
  return t * t * (3 - 2 * t);
};

/** Renders the page at `width`×`height` (the picture's upright size scaled down for speed). */
export function renderPage(
  c: PageConditions,
  digit: Uint8Array | undefined,
  width: number,
  height: number,
  random: Random,
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
  const light = lighting(c, random);
  const paper: Rgb = [random.between(236, 252), random.between(234, 250), random.between(222, 245)];
  const cast: Rgb = [1, random.between(0.95, 1), random.between(0.82, 1)];
  const noise = random.between(1.5, 4.5);
  const data = new Uint8Array(width * height * 3);
  const pixel: Rgb = [0, 0, 0];
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      pixel[0] = paper[0];
      pixel[1] = paper[1];
      pixel[2] = paper[2];
      // Sheet coordinates (px), centred on the digit so the ruling turns with the sheet.
      const rx = x - digitX;
      const ry = y - digitY;
      const u = cosT * rx + sinT * ry;
      const v = -sinT * rx + cosT * ry;
      for (const line of rows) blend(pixel, line.colour, lineCover(v, line, pxPerMm));
      for (const line of columns) blend(pixel, line.colour, lineCover(u, line, pxPerMm));
      if (margin !== undefined) blend(pixel, MARGIN_RED, 0.85 * coverage(Math.abs(u - margin), 0.35 * pxPerMm));
      if (digit && Math.abs(rx) < half * 1.5 && Math.abs(ry) < half * 1.5) {
        const mx = (cosS * rx + sinS * ry) / scale + 14;
        const my = (-sinS * rx + cosS * ry) / scale + 14;
        const level = bilinear(digit, mx - 0.5, my - 0.5);
        if (level > 0) {
          const grain = 1 - style.grain * random.next();
          const a = style.opacity * grain * smoothstep(style.edge - style.softness, style.edge + style.softness, level);
          for (let k = 0; k < 3; k += 1) pixel[k] = pixel[k]! * (1 - a + (a * style.colour[k]!) / 255);
        }
      }
      const lux = light(x / width, y / height);
      const o = (y * width + x) * 3;
      for (let k = 0; k < 3; k += 1) {
        data[o + k] = Math.min(255, Math.max(0, pixel[k]! * lux * cast[k]! + noise * random.normal()));
      }
    }
  }
  return { data, width, height };
}

function blend(pixel: Rgb, colour: Rgb, alpha: number): void {
  if (alpha <= 0) return;
  for (let k = 0; k < 3; k += 1) pixel[k] = pixel[k]! * (1 - alpha) + colour[k]! * alpha;
}
