import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DigitSample } from '../../samples/mnist';
import { drawConditions, type PageConditions } from './conditions';
import { encodePhoto } from './encode';
import { seededRandom } from './random';
import { renderPage } from './render';
import { photographInWorkers } from './workers';

/**
 * A set of photographed pages, one digit each (plus pages with no digit), with the manifest that records every
 * page's conditions. Written under .local/ (git-ignored): it is rebuilt from the seed, never committed.
 */
export interface PageEntry {
  file: string;
  /** The digit written on the page; null on a page left blank. */
  label: string | null;
  /** Index of the digit in its class's file of the mnist package. */
  mnistIndex: number | null;
  conditions: PageConditions;
}

export interface PageSetOptions {
  seed: number;
  /** Pages with no digit, after the digit pages. */
  blankPages: number;
  minSide: number;
  maxSide: number;
  /** Longest side the page is painted at before the camera's enlargement (speed). */
  paintSide: number;
}

export interface PageManifest {
  generator: string;
  options: PageSetOptions;
  /** Where the digits come from: the split and which part of it. */
  digits: string;
  pages: PageEntry[];
}

export const REALISTIC_SET: PageSetOptions = { seed: 14, blankPages: 60, minSide: 640, maxSide: 4000, paintSide: 1000 };
export const REALISTIC_SET_DIR = join('.local', 'digit-pages', 'realistic-heldout');

/** Renders one page (deterministic in `seed`) as the phone's JPEG. */
export async function photographPage(
  index: number,
  digit: DigitSample | undefined,
  options: PageSetOptions,
  override: Partial<PageConditions> = {},
): Promise<{ bytes: Buffer; conditions: PageConditions }> {
  const random = seededRandom(options.seed * 1_000_003 + index);
  const conditions = { ...drawConditions(index, random, options.maxSide, options.minSide), ...override };
  const shrink = Math.min(1, options.paintSide / Math.max(conditions.width, conditions.height));
  const width = Math.round(conditions.width * shrink);
  const height = Math.round(conditions.height * shrink);
  const page = renderPage(conditions, digit?.pixels, width, height, random);
  const bytes = await encodePhoto(page, conditions, random.between(0, 1.2));
  return { bytes, conditions };
}

/** Writes the set to `dir` unless its manifest is already there with the same options; returns the manifest. */
export async function ensurePageSet(
  dir: string,
  digits: DigitSample[],
  options: PageSetOptions,
  digitsSource: string,
  progress?: (done: number, total: number) => void,
): Promise<PageManifest> {
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const existing = JSON.parse(readFileSync(manifestPath, 'utf8')) as PageManifest;
    if (
      JSON.stringify(existing.options) === JSON.stringify(options) &&
      existing.pages.length === digits.length + options.blankPages
    ) {
      return existing;
    }
  }
  mkdirSync(dir, { recursive: true });
  const total = digits.length + options.blankPages;
  const pages: PageEntry[] = new Array(total);
  let done = 0;
  // Painting is plain JavaScript: every core paints pages at once (one thread took 10 to 15 minutes for the set).
  await photographInWorkers(
    total,
    (i) => digits[i],
    options,
    (i, bytes, conditions) => {
      const digit = digits[i];
      const file = `${String(i).padStart(5, '0')}.jpg`;
      writeFileSync(join(dir, file), bytes);
      pages[i] = { file, label: digit?.label ?? null, mnistIndex: digit?.index ?? null, conditions };
      progress?.(++done, total);
    },
  );
  const manifest: PageManifest = { generator: 'scripts/evaluation/pages', options, digits: digitsSource, pages };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}
