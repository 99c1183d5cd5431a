import sharp from 'sharp';
import type { Random } from '../pages/random';

/**
 * The digit's shape, drawn apart from the page so that its true height and stroke width can be measured (the
 * conditions report what was drawn, not what was asked for). Two sources, neither the realistic set's: Debian's
 * handwriting fonts, and MNIST held-out digits thickened or thinned and enlarged. Both are wobbled by a smooth
 * displacement field (a hand's tremor along the strokes), which no training augmentation applies.
 */

/**
 * Handwriting-style fonts from Debian packages (fonts-dkg-handwriting, fonts-breip, fonts-humor-sans,
 * fonts-comic-neue, fonts-kristi, fonts-bwht; `.ci/run` installs them). Families as fontconfig names them.
 */
export const HANDWRITING_FONTS = [
  'DkgHandwriting',
  'Breip',
  'Humor Sans',
  'Comic Neue',
  'Kristi',
  'Because We Build',
  'Because We Connect',
  'Because We Create',
  'Because We Learn',
  'Because We Mentor',
] as const;

/**
 * Throws unless every handwriting font is installed: librsvg would silently write the digits in its default font
 * instead, and the set would not be the one its manifest names.
 */
export async function assertFontsInstalled(): Promise<void> {
  const drawn = (family: string) =>
    sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><text x="8" y="56" font-family="${family}" font-size="60">8</text></svg>`,
      ),
    )
      .raw()
      .toBuffer();
  const fallback = await drawn('no-such-font');
  const missing = [];
  for (const font of HANDWRITING_FONTS) if ((await drawn(font)).equals(fallback)) missing.push(font);
  if (missing.length > 0) {
    throw new Error(
      `Handwriting fonts missing (${missing.join(', ')}): apt-get install fonts-dkg-handwriting fonts-breip ` +
        'fonts-humor-sans fonts-comic-neue fonts-kristi fonts-bwht (.ci/run does)',
    );
  }
}

export type GlyphShape = { font: string; label: string } | { mnist: Uint8Array };

/** The drawn digit: coverage (0–255), cropped to it, with its measured stroke width (pixels). */
export interface Glyph {
  alpha: Uint8Array;
  width: number;
  height: number;
  strokeWidth: number;
}

const LAYER = 256;
/** The glyph is drawn this high (pixels) in its layer, then scaled onto the page. */
const DRAWN_HEIGHT = 150;

function mnistImage(pixels: Uint8Array): Promise<Buffer> {
  // White coverage on transparent: the MNIST grey level is the ink's alpha.
  const rgba = new Uint8Array(28 * 28 * 4);
  pixels.forEach((v, i) => rgba.set([0, 0, 0, v], i * 4));
  return sharp(rgba, { raw: { width: 28, height: 28, channels: 4 } })
    .png()
    .toBuffer();
}

/** Extra pen width (pixels of the layer) over the glyph's own stroke. */
async function drawLayer(shape: GlyphShape, pen: number, random: Random): Promise<Buffer> {
  const skew = random.between(-12, 12);
  const turn = random.between(-8, 8);
  const squeeze = random.between(0.8, 1.15);
  const transform = `translate(${LAYER / 2} ${LAYER / 2}) rotate(${turn}) skewX(${skew}) scale(${squeeze} 1)`;
  const wobble =
    `<filter id="w" x="-20%" y="-20%" width="140%" height="140%"><feTurbulence type="fractalNoise" ` +
    `baseFrequency="${random.between(0.015, 0.04).toFixed(3)}" numOctaves="1" seed="${Math.floor(random.next() * 1e6)}"/>` +
    `<feDisplacementMap in="SourceGraphic" scale="${random.between(4, 14).toFixed(1)}" xChannelSelector="R" yChannelSelector="G"/>` +
    `</filter>`;
  let body: string;
  if ('font' in shape) {
    const stroke = pen > 0 ? ` stroke="black" stroke-width="${pen.toFixed(2)}" stroke-linejoin="round"` : '';
    body =
      `<text x="0" y="${DRAWN_HEIGHT * 0.5}" font-family="${shape.font}" font-size="${DRAWN_HEIGHT * 1.3}" ` +
      `text-anchor="middle" fill="black"${stroke}>${shape.label}</text>`;
  } else {
    const png = (await mnistImage(shape.mnist)).toString('base64');
    // 20 MNIST pixels are the digit's height; thickened by dilating the coverage.
    const scale = DRAWN_HEIGHT / 20;
    // The enlarged coverage's soft ramp made a pen's edge (steeper alpha), then thickened by dilating it.
    const edge = `<feComponentTransfer><feFuncA type="linear" slope="3" intercept="-1"/></feComponentTransfer>`;
    const dilate = pen > 0 ? `<feMorphology operator="dilate" radius="${(pen / 2).toFixed(2)}"/>` : '';
    body =
      `<filter id="d">${edge}${dilate}</filter><image x="${-14 * scale}" y="${-14 * scale}" width="${28 * scale}" ` +
      `height="${28 * scale}" href="data:image/png;base64,${png}" filter="url(#d)"/>`;
  }
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LAYER}" height="${LAYER}"><defs>${wobble}</defs>` +
      `<g filter="url(#w)"><g transform="${transform}">${body}</g></g></svg>`,
  );
}

/** Coverage cropped to the ink, and the stroke width from area and edge (2 · area / edge). */
function measure(alpha: Uint8Array, side: number): Glyph | undefined {
  let [left, top, right, bottom] = [side, side, -1, -1];
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      if (alpha[y * side + x]! < 128) continue;
      [left, top, right, bottom] = [Math.min(left, x), Math.min(top, y), Math.max(right, x), Math.max(bottom, y)];
    }
  }
  if (right < 0) return undefined;
  const inked = (x: number, y: number) => x >= 0 && y >= 0 && x < side && y < side && alpha[y * side + x]! >= 128;
  let area = 0;
  let edge = 0;
  for (let y = top; y <= bottom; y += 1) {
    for (let x = left; x <= right; x += 1) {
      if (!inked(x, y)) continue;
      area += 1;
      if (!inked(x - 1, y) || !inked(x + 1, y) || !inked(x, y - 1) || !inked(x, y + 1)) edge += 1;
    }
  }
  const margin = 2;
  const [x0, y0] = [Math.max(0, left - margin), Math.max(0, top - margin)];
  const [width, height] = [Math.min(side, right + margin + 1) - x0, Math.min(side, bottom + margin + 1) - y0];
  const cropped = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) cropped.set(alpha.subarray((y0 + y) * side + x0, (y0 + y) * side + x0 + width), y * width);
  return { alpha: cropped, width, height, strokeWidth: (2 * area) / Math.max(1, edge) };
}

/** Draws the glyph with `pen` pixels of extra width (of a 150-px-high digit), or undefined if nothing was drawn. */
export async function drawGlyph(shape: GlyphShape, pen: number, random: Random): Promise<Glyph | undefined> {
  const { data } = await sharp(await drawLayer(shape, pen, random))
    .extractChannel(3)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return measure(new Uint8Array(data.buffer, data.byteOffset, data.length), LAYER);
}

/**
 * Pen width (pixels of the 150-px digit) to add so that the stroke is about `share` of the digit's height; none
 * when the glyph's own stroke is already as wide (thinning breaks strokes: thin strokes come from thin fonts).
 */
export const penFor = (share: number, nativeWidth: number) => Math.max(0, share * DRAWN_HEIGHT - nativeWidth);
