import type { PredictionResult, RowResult } from './inference/results';
import type { RangeWarning } from './tabular/features';
import type { RowsSummary } from './tabular/summary';

export type PredictionStatus = 'succeeded' | 'failed' | 'rejected';

/** One DynamoDB item per prediction, success or failure (DESIGN.md §3 "Prediction record"). */
export interface PredictionRecord {
  predictionId: string;
  /** The request that asked for it (API Gateway's for HTTP, Lambda's for S3 deliveries), as in the logs. */
  requestId: string;
  source: 's3' | 'http';
  inputKey?: string;
  /** Absent only when the input was refused before it was read. */
  inputSha256?: string;
  model: string;
  modelVersion?: string;
  modelSha256?: string;
  status: PredictionStatus;
  /**
   * Classifier: `{label, confidence, probabilities}`; detector: `{detections: [{label, score, box}]}`; regressor
   * `{value}`; anomaly detector `{anomaly, score}`; several rows or a batch: `{kind, rows, succeededRows, …}`.
   */
  result?: PredictionResult | RowResult | RowsSummary;
  /** Tabular values outside their training range (the first RECORDED_WARNINGS of them), served anyway. */
  warnings?: RangeWarning[];
  warningCount?: number;
  /** Rows scored by a batch (while it runs, its record has status `running`: functions/batch/batch-record.ts). */
  processedRows?: number;
  error?: { code: string; message: string };
  /** Results-bucket key of the picture with the detections drawn on it (S3 uploads to detectors). */
  annotatedKey?: string;
  /** Results-bucket key a rejected upload was moved to. */
  quarantineKey?: string;
  subjectId?: string;
  callerId?: string;
  timings: { preprocessMs: number; inferenceMs: number; totalMs: number };
  createdAt: string;
  expiresAt: number;
}

/** The port the application writes records through; records-dynamodb.ts is its DynamoDB adapter. */
export interface PredictionStore {
  /** Writes the record unless one with this id already ended for good. Returns false for such a duplicate. */
  put(record: PredictionRecord): Promise<boolean>;
  get(predictionId: string): Promise<PredictionRecord | undefined>;
  /** Withdraws a record that an erasure of its subject overtook (functions/shared/erasure-ledger.ts). */
  delete(predictionId: string): Promise<void>;
}

/** Epoch seconds at which DynamoDB TTL deletes the record: the retention period, from configuration. */
export function expiryFor(createdAt: Date, retentionDays: number): number {
  return Math.floor(createdAt.getTime() / 1000) + retentionDays * 86_400;
}
