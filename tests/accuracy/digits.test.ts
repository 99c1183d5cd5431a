import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runModel } from '../../functions/serving/inference/run-model';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { ModelRegistry, type ModelVersion } from '../../functions/serving/registry';
import { realisticFigures, runRealistic } from '../../scripts/evaluation/realistic-eval';
import { heldOutDigits, renderMnistPng, renderPaperJpeg, type DigitSample } from '../../scripts/samples/mnist';
import { digitsMetadata, MODELS_DIR } from '../support/models';
import { imageInputOf } from '../../functions/serving/model-spec';

/**
 * The held-out digits (never seen in training), written as image files and read back through the serving path:
 * sharp preprocessing driven by the model spec, then ONNX Runtime, then post-processing.
 */
const limits = DEFAULT_DECODE_LIMITS;
let model: ModelVersion;
let samples: DigitSample[];
const sessions = new SessionCache();
const dir = mkdtempSync(join(tmpdir(), 'vigie-heldout-'));

/** Writes every held-out digit as an image file, reads each back through the serving path, and scores it. */
async function accuracyOf(extension: string, render: (sample: DigitSample) => Promise<Buffer>): Promise<number> {
  let correct = 0;
  for (const sample of samples) {
    const path = join(dir, `${sample.label}-${sample.index}.${extension}`);
    writeFileSync(path, await render(sample));
    const prepared = await preprocessImage(readFileSync(path), imageInputOf(model.metadata), limits);
    const { result } = await runModel(sessions, model, prepared.tensor);
    if ('label' in result && result.label === sample.label) correct += 1;
  }
  return correct / samples.length;
}

beforeAll(async () => {
  model = await new ModelRegistry(MODELS_DIR).resolve('digits');
  samples = heldOutDigits(digitsMetadata(model.metadata.version).training.data.split);
});

describe('digits model, held-out digits through the TypeScript serving path', () => {
  it('reads at least 98% of MNIST-style PNG files right', async () => {
    const accuracy = await accuracyOf('png', renderMnistPng);
    console.warn(`digits held-out accuracy (MNIST-style PNG, n=${samples.length}): ${(accuracy * 100).toFixed(2)}%`);
    expect(samples.length).toBeGreaterThanOrEqual(1000);
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
  }, 120_000);

  it('reads dark ink on light paper (enlarged JPEG with margins) about as well', async () => {
    const accuracy = await accuracyOf('jpg', (sample) => renderPaperJpeg(sample));
    console.warn(`digits held-out accuracy (paper-style JPEG, n=${samples.length}): ${(accuracy * 100).toFixed(2)}%`);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
  }, 120_000);
});

/**
 * Floors a little under what `npm run eval -- digits` measured for the served version (models/digits/README.md):
 * the realistic set is generated with a fixed seed, so a drop below them is a regression, not chance.
 */
// digits 1.1.0 measured 98.06 % overall, 96.76 % in its weakest condition (small digits), ECE 0.045, 100 % of pages
// with nothing written flagged.
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
