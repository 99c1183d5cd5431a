/**
 * Evaluates a tabular classifier on labelled rows through the serving path a CSV takes: csv-parse, validation
 * from the spec, the tensor, ONNX Runtime, post-processing (functions/serving/tabular/csv-score.ts).
 */
import { runTabular } from '../../functions/serving/inference/run-tabular';
import { SessionCache } from '../../functions/serving/inference/sessions';
import type { ModelVersion } from '../../functions/serving/registry';
import { scoreCsv, type RowOutcome } from '../../functions/serving/tabular/csv-score';

export interface TabularClassification {
  accuracy: number;
  count: number;
  /** Per class: precision and recall, as training reports them. */
  perClass: Record<string, { precision: number; recall: number }>;
  /** Rows: true label, columns: predicted label, in the model's label order. */
  confusionMatrix: number[][];
}

/** `rows` hold the features in `features` order; `labels` the true class of each row. */
export async function evaluateTabularClassifier(
  model: ModelVersion,
  features: string[],
  rows: number[][],
  labels: string[],
): Promise<TabularClassification> {
  const { input, output } = model.metadata;
  if (input.kind !== 'tabular' || output.kind !== 'classification') {
    throw new Error(`${model.metadata.name}@${model.metadata.version} is not a tabular classifier.`);
  }
  const csv = `${features.join(',')}\n${rows.map((row) => row.join(',')).join('\n')}\n`;
  const outcomes: RowOutcome[] = [];
  const sessions = new SessionCache();
  await scoreCsv(
    [csv],
    input,
    (tensor) => runTabular(sessions, model, tensor),
    { header: () => undefined, rows: (chunk) => void outcomes.push(...chunk) },
    // Small chunks, so several infer calls and their order are part of what is measured.
    { chunkRows: 7 },
  );
  const predicted = outcomes.map((o) => (o.result && 'label' in o.result ? o.result.label : ''));
  const classes = output.labels;
  const confusionMatrix = classes.map((truth) =>
    classes.map((guess) => labels.filter((l, i) => l === truth && predicted[i] === guess).length),
  );
  const perClass = Object.fromEntries(
    classes.map((label, c) => {
      const tp = confusionMatrix[c]![c]!;
      const predictedAs = confusionMatrix.reduce((sum, row) => sum + row[c]!, 0);
      const actual = confusionMatrix[c]!.reduce((sum, n) => sum + n, 0);
      return [label, { precision: predictedAs ? tp / predictedAs : 0, recall: actual ? tp / actual : 0 }];
    }),
  );
  const correct = predicted.filter((label, i) => label === labels[i]).length;
  return { accuracy: correct / labels.length, count: labels.length, perClass, confusionMatrix };
}
