import { join } from 'node:path';
import { INDEPENDENT_DEVELOPMENT_SET, type ForceConditions, type IndependentSetSpec } from './set';

/**
 * Stress sets of the digits model (issue #27): the independent generator's pages with some conditions forced to
 * the hard end of their range, drawn from training-split glyphs like the development set, so that a choice made for
 * one weakness is measured on enough pages of it (the development set has few of each). Like the development set
 * they choose; the frozen independent set only checks. Built under .local/ on first use, never committed, and kept
 * while its manifest's generator version and seed match: give a set another seed when its forced conditions change.
 */

const PAGES = 200;
const rounded = (value: number) => Math.round(value * 1000) / 1000;

/** A stress set under .local/digit-pages/stress-`name`: 200 pages of the development set's glyphs, `force`d. */
const stressSet = (name: string, seed: number, force: ForceConditions): IndependentSetSpec => ({
  dir: join('.local', 'digit-pages', `stress-${name}`),
  seed,
  digits: INDEPENDENT_DEVELOPMENT_SET.digits,
  mnistEvery: INDEPENDENT_DEVELOPMENT_SET.mnistEvery,
  pages: PAGES,
  force,
});

/** Small digits in thin pens and light inks on large photos: what the rules' blank floor can mistake for paper. */
export const FAINT_STRESS_SET = stressSet('faint', 9102, (drawn, random) => {
  const long = Math.round(random.between(1400, 2000));
  const short = Math.round(long * random.between(0.65, 0.8));
  const portrait = drawn.height > drawn.width;
  return {
    ...drawn,
    ink: random.pick(['fountain-blue', 'pencil', 'ballpoint-blue'] as const),
    strokeShare: rounded(random.between(0.03, 0.06)),
    digitFraction: rounded(random.between(0.07, 0.13)),
    width: portrait ? short : long,
    height: portrait ? long : short,
  };
});

/** Digits written large with thick pens: strokes wider than the light flattening's square. */
export const LARGE_STRESS_SET = stressSet('large', 9203, (drawn, random) => ({
  ...drawn,
  strokeShare: rounded(random.between(0.12, 0.22)),
  digitFraction: rounded(random.between(0.6, 0.85)),
}));

/** A hand's shadow over every page, the rest drawn: what the light flattening must tell from ink. */
export const SHADOW_STRESS_SET = stressSet('shadow', 9405, (drawn) => ({ ...drawn, lighting: 'hand-shadow' }));
