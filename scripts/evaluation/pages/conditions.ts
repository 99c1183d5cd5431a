import type { Random } from './random';

/**
 * The conditions of one photographed page: what the realistic evaluation reports accuracy by. Drawn from a seeded
 * generator so a set is the same on every machine.
 */
export const PAPERS = ['plain', 'seyes', 'squared'] as const;
export const INKS = ['ballpoint-blue', 'ballpoint-black', 'pencil', 'felt-tip'] as const;
/** Inks a page is drawn with only when asked for (the ink-segmentation data): never in the cycle above. */
export type Ink = (typeof INKS)[number] | 'fountain-blue';
export const LIGHTINGS = ['even', 'gradient', 'shadow'] as const;
export const PLACEMENTS = ['centred', 'off-centre'] as const;
export const ORIENTATIONS = [1, 3, 6, 8] as const;

export interface PageConditions {
  paper: (typeof PAPERS)[number];
  ink: Ink;
  lighting: (typeof LIGHTINGS)[number];
  placement: (typeof PLACEMENTS)[number];
  /** Turn of the sheet under the camera, degrees, positive clockwise. */
  rotationDegrees: number;
  /** Upright picture size (as seen once the EXIF orientation is applied). */
  width: number;
  height: number;
  jpegQuality: number;
  /** EXIF orientation tag: the stored pixels are turned so that applying it shows the page upright. */
  exifOrientation: (typeof ORIENTATIONS)[number];
  /** Digit height over the picture's shorter side. */
  digitFraction: number;
  /** Digit height on the sheet, millimetres (fixes the ruling's scale). */
  digitMillimetres: number;
}

/**
 * Conditions for the `i`-th page: paper × ink cycle so that every pair is equally represented, lighting and
 * placement cycle more slowly, the rest is drawn.
 */
export function drawConditions(i: number, random: Random, maxSide: number, minSide: number): PageConditions {
  const long = Math.round(minSide + (maxSide - minSide) * random.next() ** 1.3);
  const short = Math.round(long * 0.75);
  const portrait = random.next() < 0.6;
  const paper = PAPERS[i % PAPERS.length]!;
  return {
    paper,
    ink: INKS[Math.floor(i / PAPERS.length) % INKS.length]!,
    lighting: LIGHTINGS[Math.floor(i / 12) % LIGHTINGS.length]!,
    placement: PLACEMENTS[Math.floor(i / 36) % PLACEMENTS.length]!,
    rotationDegrees: Math.round(random.between(-15, 15) * 10) / 10,
    width: portrait ? short : long,
    height: portrait ? long : short,
    jpegQuality: Math.round(random.between(50, 95)),
    exifOrientation: random.pick(ORIENTATIONS),
    digitFraction: Math.round(random.between(0.12, 0.45) * 1000) / 1000,
    digitMillimetres: Math.round(random.between(5, paper === 'plain' ? 14 : 10) * 10) / 10,
  };
}

const bucket = (value: number, edges: number[], names: string[]) => names[edges.filter((e) => value >= e).length]!;

/** The groups a page is reported in: one per condition, continuous ones bucketed. */
export function conditionGroups(c: PageConditions): Record<string, string> {
  return {
    paper: c.paper,
    ink: c.ink,
    lighting: c.lighting,
    placement: c.placement,
    rotation: bucket(Math.abs(c.rotationDegrees), [5, 10], ['under 5°', '5° to 10°', '10° to 15°']),
    size: bucket(Math.max(c.width, c.height), [1400, 2700], ['≤1400 px', '1400–2700 px', '>2700 px']),
    jpeg: bucket(c.jpegQuality, [65, 80], ['q50–64', 'q65–79', 'q80–95']),
    exif: `orientation ${c.exifOrientation}`,
    digitSize: bucket(c.digitFraction, [0.2, 0.33], ['small', 'medium', 'large']),
  };
}
