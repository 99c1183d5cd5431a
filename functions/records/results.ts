import type { DetectionResult } from '../serving/inference/detection';
import type { ClassificationResult } from '../serving/inference/postprocess';

/**
 * What a model answers, apart from the onnxruntime runners that produce it: records, the Invoke protocol and the
 * HTTP answers describe results without loading (or importing) the runtime.
 */

/** An image model's answer: a class or a set of boxes. */
export type PredictionResult = ClassificationResult | DetectionResult;

export interface RegressionResult {
  value: number;
}

export interface AnomalyResult {
  anomaly: 0 | 1;
  score: number;
}

/** What a tabular model says about one row. */
export type RowResult = ClassificationResult | RegressionResult | AnomalyResult;
