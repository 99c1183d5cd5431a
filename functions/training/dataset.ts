import type { FeatureSpec } from '../serving/tabular/spec';

export type Task = 'classification' | 'regression';

/**
 * A cleaned table ready to learn from: `x` is row-major [rows, features] in float32 (what the ONNX graph takes),
 * categories as their 0-based index, NaN where a value is missing. `y` is the class index or the target value.
 */
export interface Dataset {
  task: Task;
  features: FeatureSpec[];
  /** Classification only: the original label texts, by class index. */
  labels: string[];
  x: Float32Array;
  y: Float64Array;
  rows: number;
  /**
   * By feature, the category values (indices) a linear design gives an indicator (linear.ts, MAX_INDICATORS); the
   * others share one 'other' level. Absent for a feature (or at all): every value has its own.
   */
  indicators?: (number[] | undefined)[];
}

/** Rows `indices` of a dataset, in that order. */
export function subset(data: Dataset, indices: ArrayLike<number>): Dataset {
  const width = data.features.length;
  const x = new Float32Array(indices.length * width);
  const y = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i += 1) {
    const row = indices[i]!;
    x.set(data.x.subarray(row * width, (row + 1) * width), i * width);
    y[i] = data.y[row]!;
  }
  return { ...data, x, y, rows: indices.length };
}
