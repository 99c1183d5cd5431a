import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runModel } from '../../functions/shared/inference/run-model';
import { SessionCache } from '../../functions/shared/inference/sessions';
import { preprocessImage } from '../../functions/shared/preprocessing';
import { ModelRegistry, type ModelVersion } from '../../functions/shared/registry';
import { heldOutDigits, renderMnistPng, renderPaperJpeg, type DigitSample } from '../../scripts/mnist-samples';
import { digitsMetadata, MODELS_DIR } from '../support/models';

/**
 * The held-out digits (never seen in training), written as image files and read back through the serving path:
 * sharp preprocessing driven by the model spec, then ONNX Runtime, then post-processing.
 */
const limits = { maxPixels: 40_000_000 };
let model: ModelVersion;
let samples: DigitSample[];
const sessions = new SessionCache();
const dir = mkdtempSync(join(tmpdir(), 'vigie-heldout-'));

async function accuracyOf(files: Array<{ path: string; label: string }>): Promise<number> {
  let correct = 0;
  for (const file of files) {
    const prepared = await preprocessImage(readFileSync(file.path), model.metadata.input, limits);
    const { result } = await runModel(sessions, model, prepared.tensor);
    if (result.label === file.label) correct += 1;
  }
  return correct / files.length;
}

beforeAll(async () => {
  model = await new ModelRegistry(MODELS_DIR).resolve('digits');
  samples = heldOutDigits(digitsMetadata(model.metadata.version).training.data.split);
});

describe('digits model, held-out digits through the TypeScript serving path', () => {
  it('reads at least 98% of MNIST-style PNG files right', async () => {
    const files = await Promise.all(
      samples.map(async (sample) => {
        const path = join(dir, `${sample.label}-${sample.index}.png`);
        writeFileSync(path, await renderMnistPng(sample));
        return { path, label: sample.label };
      }),
    );
    const accuracy = await accuracyOf(files);
    console.warn(`digits held-out accuracy (MNIST-style PNG, n=${files.length}): ${(accuracy * 100).toFixed(2)}%`);
    expect(files.length).toBeGreaterThanOrEqual(1000);
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
  }, 120_000);

  it('reads dark ink on light paper (enlarged JPEG with margins) about as well', async () => {
    const files = await Promise.all(
      samples.map(async (sample) => {
        const path = join(dir, `${sample.label}-${sample.index}.jpg`);
        writeFileSync(path, await renderPaperJpeg(sample));
        return { path, label: sample.label };
      }),
    );
    const accuracy = await accuracyOf(files);
    console.warn(`digits held-out accuracy (paper-style JPEG, n=${files.length}): ${(accuracy * 100).toFixed(2)}%`);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
  }, 120_000);
});
