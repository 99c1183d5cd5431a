/**
 * What a model answers, apart from the onnxruntime runners that produce it: records, the Invoke protocol and the
 * HTTP answers describe results without loading (or importing) the runtime. They live with the records, which
 * store them, so records/ imports nothing from serving/ (the layer that produces them).
 */

export interface ClassificationResult {
  label: string;
  confidence: number;
  /** label → probability, summing to 1. */
  probabilities: Record<string, number>;
  /** Present when the answer should not be taken as read: the label is the model's best guess only. */
  uncertain?: true;
  /**
   * `nothing-found`: nothing to read in the input (a page with no writing); `low-confidence`: under the threshold;
   * `unclear-writing`: the writing was found on its page only by looser rules (faint ink, strokes tangled with ruling)
   * or only by the version's ink segmenter, or it has more ink than the answer's digit has (digits 1.7.0: a "1" read
   * from a blob or from one stroke of a thick digit).
   */
  reason?: UncertainReason;
  /**
   * Present when the picture was read more than once (a page in doubt read again, the model's `page.secondLook`):
   * how many readings the probabilities are the mean of. The uncertain flag and reason stay the first reading's.
   */
  readings?: number;
}

/** Why an answer is marked uncertain; the audit event's schema lists the same values. */
export const UNCERTAIN_REASONS = ['nothing-found', 'low-confidence', 'unclear-writing'] as const;
export type UncertainReason = (typeof UNCERTAIN_REASONS)[number];

export interface Box {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface Detection {
  label: string;
  score: number;
  /** In the input picture's pixels (after EXIF orientation). */
  box: Box;
}

export interface DetectionResult {
  detections: Detection[];
}

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
