import type { Random } from '../pages/random';

/**
 * The conditions of one page of the independent digits set (issue #27), drawn from its own seeded generator. Kept
 * apart from the realistic set's (evaluation/pages/conditions.ts): other glyph sources, other ink and paper
 * ranges (thick strokes, digits written large, Seyès margins, a hand's shadow, blur), reported by other buckets.
 */
export const GLYPH_SOURCES = ['font', 'mnist-tail'] as const;
export const PAPERS = ['plain', 'seyes', 'seyes-margin', 'squared'] as const;
export const INKS = ['ballpoint-blue', 'ballpoint-black', 'fountain-blue', 'pencil', 'felt-tip'] as const;
export const LIGHTINGS = ['even', 'gradient', 'hand-shadow'] as const;
export const ORIENTATIONS = [1, 3, 6, 8] as const;

export interface IndependentConditions {
  glyphSource: (typeof GLYPH_SOURCES)[number];
  /** The handwriting font (glyphSource font) or the MNIST index in its class (mnist-tail). */
  glyph: string;
  paper: (typeof PAPERS)[number];
  ink: (typeof INKS)[number];
  lighting: (typeof LIGHTINGS)[number];
  /** Stroke width over the digit's height (as drawn: measured on the glyph). */
  strokeShare: number;
  /** Digit height over the picture's shorter side. */
  digitFraction: number;
  /** Turn of the sheet under the camera, degrees, positive clockwise. */
  rotationDegrees: number;
  /** Gaussian blur of the photo (focus, shake), in pixels of the digit's height / 100. */
  blur: number;
  /** Where the digit's baseline falls between two ruling lines (0 to 1 of their spacing). */
  rulingOffset: number;
  /** Share of the stroke's darkness at its lightest (pen pressure falling along the stroke). */
  pressure: number;
  width: number;
  height: number;
  jpegQuality: number;
  exifOrientation: (typeof ORIENTATIONS)[number];
}

/** The `i`-th page's conditions: paper × ink × lighting cycle so that each is evenly represented; the rest drawn. */
export function drawIndependentConditions(
  i: number,
  random: Random,
  glyph: { source: IndependentConditions['glyphSource']; name: string },
): IndependentConditions {
  const long = Math.round(random.between(400, 2000));
  const short = Math.round(long * random.between(0.65, 0.8));
  const portrait = random.next() < 0.55;
  return {
    glyphSource: glyph.source,
    glyph: glyph.name,
    paper: PAPERS[i % PAPERS.length]!,
    ink: INKS[Math.floor(i / PAPERS.length) % INKS.length]!,
    lighting: LIGHTINGS[Math.floor(i / (PAPERS.length * INKS.length)) % LIGHTINGS.length]!,
    strokeShare: Math.round(random.between(0.04, 0.22) * 1000) / 1000,
    digitFraction: Math.round(random.between(0.1, 0.8) * 1000) / 1000,
    rotationDegrees: Math.round(random.between(-20, 20) * 10) / 10,
    blur: Math.round(random.next() ** 1.5 * 3 * 100) / 100,
    rulingOffset: Math.round(random.next() * 100) / 100,
    pressure: Math.round(random.between(0.45, 1) * 100) / 100,
    width: portrait ? short : long,
    height: portrait ? long : short,
    jpegQuality: Math.round(random.between(45, 95)),
    exifOrientation: random.pick(ORIENTATIONS),
  };
}

const bucket = (value: number, edges: number[], names: string[]) => names[edges.filter((e) => value >= e).length]!;

/** The groups a page is reported in: one per condition, continuous ones bucketed. */
export function independentGroups(c: IndependentConditions): Record<string, string> {
  return {
    glyphSource: c.glyphSource,
    paper: c.paper,
    ink: c.ink,
    lighting: c.lighting,
    strokeWidth: bucket(c.strokeShare, [0.08, 0.12, 0.16], ['thin', 'medium', 'thick', 'very thick']),
    digitSize: bucket(c.digitFraction, [0.25, 0.45, 0.65], ['small', 'medium', 'large', 'very large']),
    rotation: bucket(Math.abs(c.rotationDegrees), [7, 14], ['under 7°', '7° to 14°', '14° to 20°']),
    blur: bucket(c.blur, [0.5, 1.5], ['sharp', 'soft', 'blurred']),
    rulingOffset: bucket(c.rulingOffset, [0.25, 0.5, 0.75], ['0–¼', '¼–½', '½–¾', '¾–1']),
  };
}
