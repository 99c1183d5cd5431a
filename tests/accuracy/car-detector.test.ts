import { beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry, type ModelVersion } from '../../functions/shared/registry';
import { carDatasetAvailable, CAR_DATASET_DIR } from '../../scripts/evaluation/car-dataset';
import { evaluateDetector } from '../../scripts/evaluation/evaluate';
import { MODELS_DIR } from '../support/models';

/**
 * The car detector on its validation frames (contiguous frame ranges never trained on), read from
 * ../shared/datasets and run through the serving path: sharp letterbox, ONNX Runtime, decoding, NMS, mapping back.
 */
let model: ModelVersion;

beforeAll(async () => {
  if (!carDatasetAvailable())
    throw new Error(`The car dataset is not at ${CAR_DATASET_DIR} (../shared/datasets beside the repository).`);
  model = await new ModelRegistry(MODELS_DIR).resolve('car-detector');
});

describe('car detector, validation frames through the TypeScript serving path', () => {
  it('keeps mAP@0.5 and its precision and recall at the chosen threshold', async () => {
    const figures = await evaluateDetector(model);
    console.warn(`car-detector validation: ${JSON.stringify(figures)}`);
    expect(figures.images).toBeGreaterThanOrEqual(100);
    // Floors a little under what was measured (see models/car-detector/README.md), so a regression fails.
    // Measured for 1.0.0: mAP@0.5 0.863, precision 0.944, recall 0.798 at the 0.554 threshold.
    expect(figures.mAP50).toBeGreaterThanOrEqual(0.84);
    expect(figures.precision).toBeGreaterThanOrEqual(0.9);
    expect(figures.recall).toBeGreaterThanOrEqual(0.75);
  }, 300_000);
});
