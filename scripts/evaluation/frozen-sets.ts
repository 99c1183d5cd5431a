import { createHash } from 'node:crypto';
import { heldOutDigits, type DigitSample } from '../samples/mnist';
import { independentJobs, photographIndependentPage, SPLIT as INDEPENDENT_SPLIT } from './independent/set';
import { SPLIT as REALISTIC_SPLIT } from './pages/realistic';
import { photographPage, REALISTIC_SET } from './pages/set';

/**
 * The two digits evaluation sets are frozen: their figures are in the docs and model cards, so a faster painter
 * must draw every page byte for byte as the first one did. A sample of each set's pages is fingerprinted
 * (SHA-256 of the JPEG) in FINGERPRINTS_PATH, and tests/unit/frozen-digit-sets.test.ts redraws them.
 * Refresh the fingerprints (`npx tsx scripts/evaluation/fingerprint-sets.ts`) only when a set is re-versioned.
 */
export const FINGERPRINTS_PATH = 'tests/fixtures/frozen-digit-pages.json';

export type FrozenSet = 'realistic' | 'independent';

/** Page index → SHA-256 (hex) of its JPEG, per set. */
export type Fingerprints = Record<FrozenSet, Record<string, string>>;

const SAMPLED = 24;

let digits: Record<FrozenSet, DigitSample[]> | undefined;
const heldOut = (set: FrozenSet) => {
  digits ??= { realistic: heldOutDigits(REALISTIC_SPLIT), independent: heldOutDigits(INDEPENDENT_SPLIT) };
  return digits[set];
};

/** Pages in a set: the realistic set's blank pages come after its digits. */
const pageCount = (set: FrozenSet) =>
  set === 'realistic' ? heldOut(set).length + REALISTIC_SET.blankPages : independentJobs(heldOut(set)).length;

/** `SAMPLED` pages spread evenly from the first to the last: every paper, ink and lighting, a blank page. */
export function sampledPages(set: FrozenSet): number[] {
  const last = pageCount(set) - 1;
  return Array.from({ length: SAMPLED }, (_, k) => Math.round((k * last) / (SAMPLED - 1)));
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Draws page `index` of a set as its generator does when it builds the set. */
export function redraw(
  set: FrozenSet,
  index: number,
): Promise<{ bytes: Buffer; conditions: { paper: string; ink: string; lighting: string } }> {
  const held = heldOut(set);
  if (set === 'realistic') return photographPage(index, held[index], REALISTIC_SET);
  return photographIndependentPage(index, independentJobs(held)[index]!);
}
