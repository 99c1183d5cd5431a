/**
 * What a shadow version answered for a production prediction (docs/architecture.md, D24): kept on the
 * production record itself, so it is never a prediction of its own (no listing, no answer, no metric), and it
 * follows the record's retention (the same TTL) and its subject's erasure and export (the same item).
 */

/**
 * The shadow's answers against production's for one request, as sums, so that a window is the sum of its
 * records (monitoring/shadow-report.ts). Classifiers, regressors and anomaly detectors compare row by row;
 * detectors compare one picture's boxes.
 */
export interface ShadowComparison {
  /** Rows (tabular) or pictures (detectors, classifiers of pictures) both versions answered. */
  compared: number;
  /** Rows whose label (classifiers) or anomaly flag (anomaly detectors) is the same; absent for regressors and detectors. */
  sameLabel?: number;
  /**
   * Sum of |production − shadow| scores: the probability each version gives production's label (classifiers),
   * the score (anomaly), the value (regressors), the score of matched boxes (detectors).
   */
  scoreDifferenceSum: number;
  /** How many differences `scoreDifferenceSum` adds up (rows, or matched boxes). */
  scoreDifferences: number;
  /** Detectors: boxes of each version, boxes matched (same label, IoU ≥ 0.5), their IoU summed, pictures with as many boxes. */
  boxes?: { production: number; shadow: number; matched: number; iouSum: number; sameCount: number };
}

export interface ShadowOutput {
  /** The shadow version that scored the request. */
  version: string;
  modelSha256?: string;
  /** ISO time the shadow's answer was stored. */
  at: string;
  /** The shadow's answer when the request had one input (a picture, one row); rows of a `rows` body are only compared. */
  result?: unknown;
  comparison?: ShadowComparison;
  /** Why the shadow did not answer (its refusal or failure code): production's answer stands either way. */
  error?: { code: string };
  inferenceMs: number;
}

/** The port the shadow function stores through; shadow-outputs-dynamodb.ts is its DynamoDB adapter. */
export interface ShadowOutputs {
  /**
   * Adds the shadow's output to the production record of `predictionId`, only if that record exists and
   * succeeded: false otherwise (not written yet, failed, or erased meanwhile, which must never be recreated).
   */
  attach(predictionId: string, output: ShadowOutput): Promise<boolean>;
}
