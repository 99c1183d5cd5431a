import { describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../functions/serving/registry';
import { heldOutIris, IRIS_FEATURES } from '../../scripts/evaluation/iris-dataset';
import { evaluateTabularClassifier } from '../../scripts/evaluation/tabular';
import { MODELS_DIR } from '../support/models';

/**
 * The held-out Iris rows (never seen in training: the split rule of models/iris/train.py), written as a CSV and read
 * back through the serving path: csv-parse, validation from the spec, the tensor, ONNX Runtime, post-processing.
 */
describe('iris model, held-out rows through the TypeScript serving path', () => {
  it('classifies the held-out rows as accurately as training measured', async () => {
    const model = await new ModelRegistry(MODELS_DIR).resolve('iris');
    const heldOut = heldOutIris();
    const figures = await evaluateTabularClassifier(
      model,
      IRIS_FEATURES,
      heldOut.map((row) => row.slice(0, 4) as number[]),
      heldOut.map((row) => row[4]),
    );
    console.warn(`iris held-out accuracy (n=${figures.count}): ${(figures.accuracy * 100).toFixed(2)}%`);
    expect(figures.count).toBe(30);
    expect(figures.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(figures.accuracy).toBeCloseTo(Number(model.metadata.metrics.heldOut?.accuracy), 4);
    expect(figures.confusionMatrix).toEqual((model.metadata.metrics.heldOut?.confusionMatrix as { counts: number[][] }).counts);
  });
});
