import type { Task } from './dataset';

export type Metric = 'accuracy' | 'balanced_accuracy' | 'f1_macro' | 'r2' | 'mae' | 'rmse';

export const METRICS: Record<Task, Metric[]> = {
  classification: ['accuracy', 'balanced_accuracy', 'f1_macro'],
  regression: ['r2', 'mae', 'rmse'],
};

export interface ClassificationMetrics {
  accuracy: number;
  balancedAccuracy: number;
  f1Macro: number;
  samples: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  confusionMatrix: { labels: string[]; rowsAreTrue: true; counts: number[][] };
}

export interface RegressionMetrics {
  mae: number;
  rmse: number;
  r2: number;
  samples: number;
}

const round = (value: number) => Math.round(value * 1e4) / 1e4;

/** The predicted class of each row: the highest probability (the first on a tie, as argmax does). */
export function argmaxRows(probabilities: Float64Array, classes: number): Int32Array {
  const rows = probabilities.length / classes;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i += 1) {
    let best = 0;
    for (let t = 1; t < classes; t += 1) if (probabilities[i * classes + t]! > probabilities[i * classes + best]!) best = t;
    out[i] = best;
  }
  return out;
}

export function classificationMetrics(truth: Float64Array, predicted: Int32Array, labels: string[]): ClassificationMetrics {
  const k = labels.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  truth.forEach((t, i) => (counts[t]![predicted[i]!]! += 1));
  // Labels are the user's target values: built as entries, a class named `__proto__` stays a class (an assignment
  // would set the object's prototype and drop it from the card).
  const perClass: Array<[string, ClassificationMetrics['perClass'][string]]> = [];
  let recallSum = 0;
  let f1Sum = 0;
  let present = 0;
  let correct = 0;
  labels.forEach((label, c) => {
    const tp = counts[c]![c]!;
    correct += tp;
    const support = counts[c]!.reduce((a, b) => a + b, 0);
    const predictedCount = counts.reduce((sum, row) => sum + row[c]!, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    if (support) {
      present += 1;
      recallSum += recall;
    }
    f1Sum += f1;
    perClass.push([label, { precision: round(precision), recall: round(recall), f1: round(f1), support }]);
  });
  return {
    accuracy: round(correct / truth.length),
    balancedAccuracy: round(recallSum / Math.max(present, 1)),
    f1Macro: round(f1Sum / k),
    samples: truth.length,
    perClass: Object.fromEntries(perClass),
    confusionMatrix: { labels, rowsAreTrue: true, counts },
  };
}

export function regressionMetrics(truth: Float64Array, predicted: Float64Array): RegressionMetrics {
  const n = truth.length;
  const mean = truth.reduce((a, b) => a + b, 0) / n;
  let abs = 0;
  let sq = 0;
  let total = 0;
  truth.forEach((t, i) => {
    abs += Math.abs(t - predicted[i]!);
    sq += (t - predicted[i]!) ** 2;
    total += (t - mean) ** 2;
  });
  return { mae: round(abs / n), rmse: round(Math.sqrt(sq / n)), r2: round(total ? 1 - sq / total : 0), samples: n };
}

/** The figure a metric names, higher is better (errors are negated so every comparison is the same way). */
export function score(metric: Metric, outputs: Float64Array, truth: Float64Array, labels: string[]): number {
  if (metric === 'r2' || metric === 'mae' || metric === 'rmse') {
    const m = regressionMetrics(truth, outputs);
    return metric === 'r2' ? m.r2 : -m[metric];
  }
  const m = classificationMetrics(truth, argmaxRows(outputs, labels.length), labels);
  return metric === 'accuracy' ? m.accuracy : metric === 'balanced_accuracy' ? m.balancedAccuracy : m.f1Macro;
}
