import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry, type ModelVersion } from '../../functions/serving/registry';
import { independentFigures, runIndependent } from '../../scripts/evaluation/independent-eval';
import { MODELS_DIR } from '../support/models';

/**
 * The digits model on the independent set (scripts/evaluation/independent/): a file of its own, so that drawing
 * this set and the realistic one (tests/accuracy/digits.test.ts) take the two cores side by side.
 */
let model: ModelVersion;

beforeAll(async () => {
  model = await new ModelRegistry(MODELS_DIR).resolve('digits');
});

/**
 * Floors a little under what the served digits version measured on the independent set (issue #27;
 * models/digits/README.md). 1.1.0: 87.64 % with the page preprocessing of 2026-12-04, 88.00 % after its wide-stroke
 * fix, 90.55 % since the strokes are also looked for as faint ink and apart from the ruling lines they touch and the
 * sheet's angle is searched over ±22° (2026-12-05). 1.2.0, the same network with the page work at 256 px: 91.09 %,
 * then 91.45 % with hollowed strokes filled (weakest condition 82.26 %, digits written very large), the uncertain
 * flag on 82.98 % of the wrong answers and 11.73 % of the right ones, no confident mistake on a clean page (1.1.0
 * had one). 1.3.0, the same network with the paper's light found on a pooled copy and the patch resized in process:
 * 92.36 % (weakest 83.64 %, fountain-pen blue; very large digits 83.87 %), flag on 85.71 % / 10.63 %, none confident
 * on a clean page. 1.4.0, the same again with the photo shrunk linearly and the sheet's angle climbed: 92.18 %
 * (weakest 82.73 %, fountain-pen blue), flag on 83.72 % / 8.48 %, none confident on a clean page; the floors for the
 * weakest condition and the flag on wrong answers moved a point down with it, to keep more than one answer of margin
 * (a machine whose floating point rounds a borderline confidence the other way). 1.5.0, 1.4.0 with a second look at
 * the pages in doubt: 93.27 % (weakest 84.55 %, fountain-pen blue), flag on 81.08 % / 9.55 %, 7 confident mistakes as
 * 1.4.0, none on a clean page. Its flag share on wrong answers fell because flagged mistakes became flagged right
 * answers, not because any mistake lost its flag: the count of confident mistakes is guarded beside the share. 1.6.0,
 * the second look's ink found by a segmentation network, which also reads pages the rules find no ink on: 94.73 %
 * (every condition of 100 pages or more at 89.09 % or better, fountain-pen blue the weakest; thin strokes, 16 pages,
 * 81.25 %: two large, faint, blurred digits the segmenter finds only in part, where one page is 6.25 points), flag on
 * 75.86 % / 10.94 %, 7 confident mistakes as 1.5.0, none on a clean page; the weakest-condition and flag-share floors
 * moved down with it (the share again because flagged mistakes became right answers), the overall one up. 1.7.0,
 * 1.6.0 with an answer "1" read from more ink than a "1" has flagged (and so read again): 94.91 %, flag on 78.57 % /
 * 11.30 %, 6 confident mistakes, none on a clean page; the flag-share floor back up to 0.76 and the count guard to 8.
 * 1.8.0 (a faint page read when a stroke is on it, not said blank): the same answers and flags (no page is that faint).
 * 1.9.0 (a digit over half the page high found again with a wider light-flattening square): 95.45 % (very large
 * digits 90.32 → 92.74 %), flag on 80.00 % / 11.43 %, 5 confident mistakes, none on a clean page; the overall floor up
 * to 0.94 and the count guard to 7.
 * The issue's goals (98 %, every condition 95 %) are not reached yet: these floors guard against going back, not the
 * goals.
 */
const INDEPENDENT_FLOORS = {
  overall: 0.94,
  perCondition: 0.8,
  uncertainWhenWrong: 0.76,
  maxUncertainWhenRight: 0.12,
  maxConfidentMistakes: 7,
  maxConfidentMistakesOnClean: 0,
};

describe('digits model on the independent set (other glyphs, other renderer, issue #27)', () => {
  it(
    'reads font and MNIST-tail digits on vector-drawn pages at the measured floors, in every condition',
    async () => {
      // Built on first use (generator version and seed in its manifest, under .local/) and reused after.
      const output = model.metadata.output;
      const threshold = output.kind === 'classification' ? output.uncertainBelow : undefined;
      const figures = independentFigures(await runIndependent(model), threshold);
      const worst = [...figures.groups].sort((a, b) => a.accuracy - b.accuracy).slice(0, 3);
      console.warn(
        `digits independent accuracy (n=${figures.count}): ${(figures.accuracy * 100).toFixed(2)}%; uncertain on ` +
          `${(figures.uncertainWhenWrong * 100).toFixed(1)}% of mistakes, ${(figures.uncertainWhenRight * 100).toFixed(1)}% ` +
          `of right answers; worst: ${worst.map((g) => `${g.condition} ${g.group} ${(g.accuracy * 100).toFixed(1)}%`).join(', ')}`,
      );
      expect(figures.count).toBeGreaterThanOrEqual(500);
      expect(figures.accuracy).toBeGreaterThanOrEqual(INDEPENDENT_FLOORS.overall);
      for (const group of figures.groups) {
        expect(group.accuracy, `${group.condition}: ${group.group}`).toBeGreaterThanOrEqual(INDEPENDENT_FLOORS.perCondition);
      }
      expect(figures.uncertainWhenWrong).toBeGreaterThanOrEqual(INDEPENDENT_FLOORS.uncertainWhenWrong);
      expect(figures.uncertainWhenRight).toBeLessThanOrEqual(INDEPENDENT_FLOORS.maxUncertainWhenRight);
      expect(figures.confidentMistakes).toBeLessThanOrEqual(INDEPENDENT_FLOORS.maxConfidentMistakes);
      expect(figures.cleanPages).toBeGreaterThanOrEqual(40);
      expect(figures.confidentMistakesOnClean).toBeLessThanOrEqual(INDEPENDENT_FLOORS.maxConfidentMistakesOnClean);
    },
    60 * 60_000,
  );
});
