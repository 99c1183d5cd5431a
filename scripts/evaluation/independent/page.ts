import sharp from 'sharp';
import type { Random } from '../pages/random';
import type { RgbImage } from '../pages/render';
import type { IndependentConditions } from './conditions';
import type { Glyph } from './glyph';

/**
 * Paints a page of the independent set as vector graphics (SVG rendered by librsvg through sharp), unlike the
 * realistic set's pixel-by-pixel painter: paper, ruling at the sheet's angle crossing the digit where the
 * conditions say, a Seyès margin, the drawn glyph in its ink with pen pressure and pencil grain, the light (a
 * gradient or the shadow of a hand or phone), then camera noise. Pixels are RGB, upright.
 */
type Rgb = [number, number, number];

const INK_COLOURS: Record<IndependentConditions['ink'], Rgb[]> = {
  'ballpoint-blue': [
    [30, 45, 140],
    [40, 60, 160],
  ],
  'ballpoint-black': [
    [30, 30, 40],
    [50, 50, 60],
  ],
  'fountain-blue': [
    [25, 75, 185],
    [40, 90, 200],
  ],
  pencil: [
    [85, 85, 92],
    [110, 110, 115],
  ],
  'felt-tip': [
    [20, 20, 25],
    [20, 50, 160],
    [20, 100, 60],
  ],
};

const SEYES_FINE: Rgb = [150, 155, 215];
const SEYES_STRONG: Rgb = [110, 100, 195];
const MARGIN: Rgb = [220, 60, 80];
const SQUARED: Rgb[] = [
  [140, 170, 215],
  [150, 150, 155],
];

const rgb = ([r, g, b]: Rgb) => `rgb(${Math.round(r)},${Math.round(g)},${Math.round(b)})`;

/** Horizontal (or vertical) lines every `spacing` px through the sheet, `phase` px from the digit's centre. */
function lines(span: number, spacing: number, phase: number, width: number, colour: Rgb, opacity: number, vertical: boolean) {
  const out: string[] = [];
  const first = Math.ceil((-span - phase) / spacing);
  for (let k = first; k * spacing + phase <= span; k += 1) {
    const at = (k * spacing + phase).toFixed(2);
    const [x1, y1, x2, y2] = vertical ? [at, -span, at, span] : [-span, at, span, at];
    out.push(`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`);
  }
  return `<g stroke="${rgb(colour)}" stroke-width="${width.toFixed(2)}" stroke-opacity="${opacity.toFixed(2)}">${out.join('')}</g>`;
}

/** The glyph as an RGBA picture in its ink: coverage × opacity × pressure (falling along a direction) × grain. */
function inkedGlyph(glyph: Glyph, c: IndependentConditions, colour: Rgb, random: Random): Promise<Buffer> {
  const { width, height } = glyph;
  const opacity = c.ink === 'pencil' ? random.between(0.55, 0.85) : random.between(0.85, 1);
  const grain = c.ink === 'pencil' ? 0.45 : 0.08;
  const angle = random.between(0, 2 * Math.PI);
  const [dx, dy] = [Math.cos(angle) / width, Math.sin(angle) / height];
  const rgba = new Uint8Array(width * height * 4);
  // A grain draw per pixel, in the order of the pixels, a row at a time (Random.fill: a call per draw cost more).
  const draws = new Float64Array(width);
  for (let y = 0; y < height; y += 1) {
    random.fill(draws, width);
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      const along = Math.min(1, Math.max(0, 0.5 + (x - width / 2) * dx + (y - height / 2) * dy));
      const pressure = c.pressure + (1 - c.pressure) * along;
      const a = glyph.alpha[i]! * opacity * pressure * (1 - grain * draws[x]!);
      rgba[i * 4] = colour[0];
      rgba[i * 4 + 1] = colour[1];
      rgba[i * 4 + 2] = colour[2];
      rgba[i * 4 + 3] = a;
    }
  }
  return sharp(rgba, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

/** The light: nothing, a gradient darkening one side, or the soft shadow of a hand or phone from one edge. */
function lightLayer(c: IndependentConditions, width: number, height: number, random: Random): string {
  if (c.lighting === 'even') return '';
  const angle = random.between(0, 360);
  if (c.lighting === 'gradient') {
    const depth = random.between(0.25, 0.55).toFixed(2);
    return (
      `<defs><linearGradient id="g" gradientTransform="rotate(${angle.toFixed(0)} 0.5 0.5)">` +
      `<stop offset="0" stop-color="black" stop-opacity="0"/><stop offset="1" stop-color="black" stop-opacity="${depth}"/>` +
      `</linearGradient></defs><rect width="${width}" height="${height}" fill="url(#g)"/>`
    );
  }
  const short = Math.min(width, height);
  const blur = (random.between(0.02, 0.07) * short).toFixed(1);
  const depth = random.between(0.25, 0.5).toFixed(2);
  // A hand (palm and forearm) or a phone's edge reaching in from outside, towards the digit or beside it.
  const [cx, cy] = [width / 2, height / 2];
  const reach = random.between(0.15, 0.55) * short;
  const side = random.between(0.2, 0.45) * short;
  const shape =
    random.next() < 0.6
      ? `<ellipse cx="0" cy="0" rx="${side.toFixed(0)}" ry="${(side * 0.8).toFixed(0)}"/><rect x="${(-side * 0.7).toFixed(0)}" y="0" width="${(side * 1.4).toFixed(0)}" height="${(2 * short).toFixed(0)}"/>`
      : `<rect x="${(-side).toFixed(0)}" y="0" width="${(2 * side).toFixed(0)}" height="${(2 * short).toFixed(0)}"/>`;
  const distance = short / 2 + side * 0.4 - reach;
  return (
    `<defs><filter id="s" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${blur}"/></filter></defs>` +
    `<g filter="url(#s)" opacity="${depth}"><g transform="translate(${cx} ${cy}) rotate(${angle.toFixed(0)}) translate(0 ${distance.toFixed(0)})">` +
    `${shape}</g></g>`
  );
}

/** Paints the page at `width`×`height` (the picture's upright size scaled down for speed). */
export async function paintIndependentPage(
  c: IndependentConditions,
  glyph: Glyph,
  width: number,
  height: number,
  random: Random,
): Promise<RgbImage> {
  const short = Math.min(width, height);
  const digitHeight = c.digitFraction * short;
  const scale = digitHeight / glyph.height;
  const [glyphW, glyphH] = [glyph.width * scale, glyph.height * scale];
  const pxPerMm = short / random.between(60, 180);
  const room = (size: number, extent: number) => Math.max(0, size / 2 - extent / 2 - 4);
  const cx = width / 2 + random.between(-1, 1) * room(width, glyphW * 1.2);
  const cy = height / 2 + random.between(-1, 1) * room(height, glyphH * 1.2);
  const span = Math.hypot(width, height);
  // The baseline (the glyph's bottom) sits `rulingOffset` of a spacing above the line under it.
  const spacing = (c.paper === 'squared' ? 5 : 8) * pxPerMm;
  const phase = glyphH / 2 + (1 - c.rulingOffset) * spacing;
  const ruling: string[] = [];
  if (c.paper.startsWith('seyes')) {
    const fine = random.between(0.45, 0.85);
    ruling.push(lines(span, 2 * pxPerMm, phase, Math.max(0.5, 0.1 * pxPerMm), SEYES_FINE, fine, false));
    ruling.push(lines(span, spacing, phase, Math.max(0.7, 0.25 * pxPerMm), SEYES_STRONG, random.between(0.6, 0.95), false));
    ruling.push(lines(span, spacing, random.between(0, spacing), Math.max(0.5, 0.1 * pxPerMm), SEYES_FINE, fine, true));
    if (c.paper === 'seyes-margin') {
      const gap = glyphW / 2 + random.between(0.1, 1.5) * glyphH;
      const at = (random.next() < 0.5 ? -1 : 1) * gap;
      ruling.push(lines(span, span * 4, at, Math.max(0.8, 0.35 * pxPerMm), MARGIN, random.between(0.7, 0.95), true));
    }
  } else if (c.paper === 'squared') {
    const colour = random.pick(SQUARED);
    const [w, o] = [Math.max(0.5, random.between(0.1, 0.2) * pxPerMm), random.between(0.45, 0.85)];
    ruling.push(
      lines(span, spacing, phase, w, colour, o, false),
      lines(span, spacing, random.between(0, spacing), w, colour, o, true),
    );
  }
  const colour = random.pick(INK_COLOURS[c.ink]).map((v) => v + random.between(-10, 10)) as Rgb;
  const ink = (await inkedGlyph(glyph, c, colour, random)).toString('base64');
  const paper: Rgb = [random.between(232, 252), random.between(230, 250), random.between(215, 245)];
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="${width}" height="${height}" fill="${rgb(paper)}"/>` +
    `<g transform="translate(${cx.toFixed(1)} ${cy.toFixed(1)}) rotate(${c.rotationDegrees})">${ruling.join('')}` +
    `<image x="${(-glyphW / 2).toFixed(1)}" y="${(-glyphH / 2).toFixed(1)}" width="${glyphW.toFixed(1)}" height="${glyphH.toFixed(1)}" ` +
    `preserveAspectRatio="none" href="data:image/png;base64,${ink}"/></g>` +
    lightLayer(c, width, height, random) +
    `</svg>`;
  const { data } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  // Camera noise, the same on the three channels of a pixel (luminance noise).
  const noise = random.between(1.5, 5);
  const out = new Uint8Array(data.length);
  // random.normal() for each pixel, spelled out over a row's draws at a time (Random.fill).
  const draws = new Float64Array(width * 4);
  for (let row = 0; row < data.length; row += width * 3) {
    random.fill(draws, width * 4);
    for (let x = 0; x < width; x += 1) {
      const [i, d] = [row + x * 3, x * 4];
      const n = noise * ((draws[d]! + draws[d + 1]! + draws[d + 2]! + draws[d + 3]! - 2) * 1.7320508);
      for (let k = 0; k < 3; k += 1) out[i + k] = Math.min(255, Math.max(0, data[i + k]! + n));
    }
  }
  return { data: out, width, height };
}
