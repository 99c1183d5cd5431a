import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { modelMetadataSchema, type MnistInputSpec } from '../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, mnistPixels } from '../../functions/serving/preprocessing';
import { PAGE_INPUT } from '../../scripts/evaluation/pages/training';

/**
 * A digit written large with a thick, light pen (digits 1.9.0's `input.page.largeDigit`): the light flattening's
 * square, a seventh of the picture's shorter side, is narrower than its strokes, so where a shadow lies over the
 * digit the strokes' inside is taken for paper and the digit is found in part. With the option a digit spanning over
 * half the shorter side is found again with a wider square, and comes out whole.
 */
const SIDE = { width: 1000, height: 1400 };

/** A "0" (an ellipse ring) `ry` pixels high in pencil grey, its stroke `stroke` wide, under a hand's shadow or not. */
async function page({ ry = 500, rx = 300, stroke = 170, shadow = false } = {}): Promise<Buffer> {
  const hand = shadow
    ? `<defs><radialGradient id="s"><stop offset="0" stop-color="#000" stop-opacity="0.5"/>
        <stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient></defs>
       <ellipse cx="250" cy="1100" rx="500" ry="450" fill="url(#s)"/>`
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIDE.width}" height="${SIDE.height}">
    <rect width="100%" height="100%" fill="#efece4"/>${hand}
    <ellipse cx="${SIDE.width / 2}" cy="${SIDE.height / 2}" rx="${rx}" ry="${ry}" fill="none" stroke="#8c8c94"
      stroke-width="${stroke}"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** 1.9.0's page work, with or without its `largeDigit` option. */
const spec = (large: boolean): MnistInputSpec => ({
  ...PAGE_INPUT,
  page: {
    ...PAGE_INPUT.page!,
    workingSide: 256,
    lightPool: 2,
    ...(large && { largeDigit: { sideOver: 0.5, closingShare: 0.22 } }),
  },
});
const fit = async (bytes: Buffer, large: boolean) => (await mnistPixels(bytes, spec(large), DEFAULT_DECODE_LIMITS)).data;
const INKED = 77;
const inked = (pixels: Uint8Array) => pixels.filter((v) => v >= INKED).length;
/** Share of the reference's inked pixels the fit inks too. */
const covered = (pixels: Uint8Array, reference: Uint8Array) =>
  pixels.filter((v, i) => v >= INKED && reference[i]! >= INKED).length / inked(reference);

describe('a digit written large (input.page.largeDigit)', () => {
  it('is found in part under a shadow without it, and whole with it', async () => {
    // The same "0" with no shadow: found whole either way (its hollows filled), the fit to compare with.
    const reference = await fit(await page(), true);
    expect(covered(await fit(await page(), false), reference)).toBeGreaterThan(0.9);
    const shadowed = await page({ shadow: true });
    expect(covered(await fit(shadowed, false), reference)).toBeLessThan(0.6);
    expect(covered(await fit(shadowed, true), reference)).toBeGreaterThan(0.75);
  });

  it('changes nothing on a digit under half the shorter side', async () => {
    const bytes = await page({ ry: 150, rx: 95, stroke: 45, shadow: true });
    expect(Buffer.from(await fit(bytes, true)).equals(Buffer.from(await fit(bytes, false)))).toBe(true);
  });
});

describe("the largeDigit page option in a version's metadata", () => {
  const metadata = JSON.parse(readFileSync('models/digits/1.9.0/metadata.json', 'utf8'));
  const withOption = (largeDigit: unknown) => ({
    ...metadata,
    input: { ...metadata.input, page: { ...metadata.input.page, largeDigit } },
  });

  it('is read as 1.9.0 declares it, and refused when a bring-your-own model declares it wrong', () => {
    expect(modelMetadataSchema.safeParse(metadata).success).toBe(true);
    expect(metadata.input.page.largeDigit).toEqual({ sideOver: 0.5, closingShare: 0.22 });
    for (const wrong of [
      { sideOver: 1.2, closingShare: 0.22 },
      { sideOver: 0.5, closingShare: 0.9 },
      { sideOver: 0.5 },
      { sideOver: 0.5, closingShare: 0.22, workingSide: 512 },
      'large',
    ]) {
      expect(modelMetadataSchema.safeParse(withOption(wrong)).success, JSON.stringify(wrong)).toBe(false);
    }
  });
});
