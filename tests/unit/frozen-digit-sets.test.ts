import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as independent from '../../scripts/evaluation/independent/conditions';
import * as realistic from '../../scripts/evaluation/pages/conditions';
import {
  FINGERPRINTS_PATH,
  redraw,
  sampledPages,
  sha256,
  type Fingerprints,
  type FrozenSet,
} from '../../scripts/evaluation/frozen-sets';

/**
 * The digits evaluation sets are frozen (their figures are in the docs and model cards): the painters may get
 * faster, never draw another page. Sampled pages of each set are redrawn and compared, byte for byte (SHA-256 of
 * the JPEG), with the fingerprints taken from the sets as first drawn.
 */
const fingerprints = JSON.parse(readFileSync(FINGERPRINTS_PATH, 'utf8')) as Fingerprints;
const CONDITIONS = {
  realistic: { paper: realistic.PAPERS, ink: realistic.INKS, lighting: realistic.LIGHTINGS },
  independent: { paper: independent.PAPERS, ink: independent.INKS, lighting: independent.LIGHTINGS },
};

describe.each(['realistic', 'independent'] as FrozenSet[])('the %s digits set', (set) => {
  it('draws its sampled pages byte for byte as first drawn, in every paper, ink and lighting', async () => {
    const pages = sampledPages(set);
    expect(Object.keys(fingerprints[set]).map(Number)).toEqual(pages);
    const seen = { paper: new Set<string>(), ink: new Set<string>(), lighting: new Set<string>() };
    for (const index of pages) {
      const { bytes, conditions } = await redraw(set, index);
      expect(sha256(bytes), `${set} page ${index}`).toBe(fingerprints[set][String(index)]);
      for (const key of ['paper', 'ink', 'lighting'] as const) seen[key].add(conditions[key]);
    }
    for (const key of ['paper', 'ink', 'lighting'] as const)
      expect([...seen[key]].sort()).toEqual([...CONDITIONS[set][key]].sort());
  }, 120_000);
});
