import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runModel } from '../../functions/serving/inference/run-model';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { ModelRegistry, type ModelVersion } from '../../functions/serving/registry';
import { heldOutDigits, renderMnistPng, renderPaperJpeg, type DigitSample } from '../../scripts/samples/mnist';
import { digitsMetadata, MODELS_DIR } from '../support/models';
import { imageInputOf } from '../../functions/serving/model-spec';

/**
 * The held-out digits (never seen in training), written as image files and read back through the serving path:
 * sharp preprocessing driven by the model spec, then ONNX Runtime, then post-processing. Apart from the realistic
 * set (digits.test.ts), so that they run on the core the independent set's file leaves free.
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
