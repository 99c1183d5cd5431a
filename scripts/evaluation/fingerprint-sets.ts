/**
 * `npx tsx scripts/evaluation/fingerprint-sets.ts`: writes the fingerprints of the sampled pages of both frozen
 * digits sets (frozen-sets.ts) from the sets as built under .local/digit-pages/ (`npm run eval -- digits` builds
 * them). Only when a set is re-versioned: the fingerprints are what any change to the painters is checked against.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INDEPENDENT_SET_DIR } from './independent/set';
import { REALISTIC_SET_DIR } from './pages/set';
import { FINGERPRINTS_PATH, sampledPages, sha256, type Fingerprints, type FrozenSet } from './frozen-sets';

const DIRS: Record<FrozenSet, string> = { realistic: REALISTIC_SET_DIR, independent: INDEPENDENT_SET_DIR };
const page = (set: FrozenSet, index: number) => join(DIRS[set], `${String(index).padStart(5, '0')}.jpg`);
const fingerprints = Object.fromEntries(
  (['realistic', 'independent'] as const).map((set) => [
    set,
    Object.fromEntries(sampledPages(set).map((i) => [String(i), sha256(readFileSync(page(set, i)))])),
  ]),
) as Fingerprints;
writeFileSync(FINGERPRINTS_PATH, `${JSON.stringify(fingerprints, null, 1)}\n`);
console.log(
  `${FINGERPRINTS_PATH}: ${Object.values(fingerprints)
    .map((f) => Object.keys(f).length)
    .join(' + ')} pages`,
);
