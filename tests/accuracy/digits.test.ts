import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry, type ModelVersion } from '../../functions/serving/registry';
import { realisticFigures, runRealistic } from '../../scripts/evaluation/realistic-eval';
import { MODELS_DIR } from '../support/models';

/**
 * The digits model on photographed school pages (the realistic set). The held-out digits as MNIST-style files are
 * in digits-heldout.test.ts, the independent set in digits-independent.test.ts: three files, so that the set drawn
 * here (the longest, on both cores at first) and the other two share the machine's cores.
 */
let model: ModelVersion;

beforeAll(async () => {
  model = await new ModelRegistry(MODELS_DIR).resolve('digits');
});

/**
 * Floors a little under what `npm run eval -- digits` measured for the served version (models/digits/README.md):
 * the realistic set is generated with a fixed seed, so a drop below them is a regression, not chance.
 */
// digits 1.1.0 measured 98.06 % overall at its approval, 97.99 % since the page fixes of 2026-12-04 (weakest
// condition 96.46 %, small digits), ECE 0.044-0.045, 100 % of pages with nothing written flagged. 1.2.0 (the same
// network, page work at 256 px): 97.79 %, weakest condition 96.46 % (small digits), ECE 0.048, 98.33 % flagged.
// 1.3.0 (the same network, cheaper page work): 97.79 %, weakest condition 96.39 % (Seyès), ECE 0.046, 98.33 %.
// 1.4.0 (cheaper again: linear shrink, climbed angle): 97.86 %, weakest 96.76 % (small digits), ECE 0.046, 100 %.
// 1.5.0 (1.4.0 with a second look at the pages in doubt): 97.99 %, weakest 97.05 % (small digits), ECE 0.048, 100 %.
// 1.6.0 (the second look's ink found by a segmentation network): 98.20 %, weakest 96.46 % (small digits), ECE 0.050,
// 100 %. 1.7.0 (1.6.0 with an answer "1" on a blob's ink flagged): the same answers, ECE 0.050, 100 %. 1.8.0 (a faint
// page read when a stroke is on it): the same readings. 1.9.0 (a digit over half the page high read with a wider
// square): the same answers, ECE 0.049, 100 %.
const REALISTIC_FLOORS = { overall: 0.975, perCondition: 0.96, blankPagesFlagged: 0.95, maxEce: 0.06 };

describe('digits model on photographed school pages (realistic set, issue #14)', () => {
  it(
    'reads held-out digits on plain, Seyès and squared pages at the measured floors, in every condition',
    async () => {
      // The set is built on first use (fixed seed, under .local/) and reused after.
      const figures = realisticFigures(await runRealistic(model));
      console.warn(
        `digits realistic accuracy (n=${figures.count}): ${(figures.accuracy * 100).toFixed(2)}%, ECE ${figures.ece.toFixed(4)}`,
      );
      expect(figures.count).toBeGreaterThanOrEqual(1000);
      expect(figures.accuracy).toBeGreaterThanOrEqual(REALISTIC_FLOORS.overall);
      for (const group of figures.groups) {
        expect(group.accuracy, `${group.condition}: ${group.group}`).toBeGreaterThanOrEqual(REALISTIC_FLOORS.perCondition);
      }
      expect(figures.ece).toBeLessThanOrEqual(REALISTIC_FLOORS.maxEce);
      // Pages with nothing written are answered uncertain (or refused as blank), not given a confident label.
      expect(figures.blankPagesFlagged).toBeGreaterThanOrEqual(REALISTIC_FLOORS.blankPagesFlagged);
    },
    60 * 60_000,
  );
});
