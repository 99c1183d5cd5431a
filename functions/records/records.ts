import type { PredictionResult, RowResult } from './results';
import type { RangeWarning, TimeSeriesWarning } from './warnings';
import type { RowsSummary } from './rows-summary';
import type { InputBins } from './input-bins';
import type { ShadowOutput } from './shadow-outputs';
import type { AnswerCounts } from './answer-counts';

export type PredictionStatus = 'succeeded' | 'failed' | 'rejected';

/** One DynamoDB item per prediction, success or failure (docs/architecture.md, "The prediction record"). */
export interface PredictionRecord {
  /** Partition key: derived from bucket, key and ETag for uploads (a redelivery finds it), random for HTTP. */
  predictionId: string;
  /** The request that asked for it (API Gateway's for HTTP, Lambda's for S3 deliveries), as in the logs. */
  requestId: string;
  /** How the input came: an S3 upload (or CSV batch) or an HTTP request. */
  source: 's3' | 'http';
  /** The upload's S3 key (S3 inputs only). */
  inputKey?: string;
  /** Absent only when the input was refused before it was read. */
  inputSha256?: string;
  /** A model of the registry, or `unknown` for any other name (functions/platform/model-name.ts). */
  model: string;
  /** The exact version that answered (absent when the input was refused before a version was chosen). */
  modelVersion?: string;
  /** SHA-256 of the artifact that answered, checked against its metadata when the session was created. */
  modelSha256?: string;
  /** The alias that chose the version (`production` by default, `canary` for its share); absent when asked by version. */
  alias?: string;
  /** `succeeded`; `failed` (transient, may be retried and replaced); `rejected` (never retried); `running` (a batch). */
  status: PredictionStatus;
  /**
   * Classifier: `{label, confidence, probabilities}`; detector: `{detections: [{label, score, box}]}`; regressor
   * `{value}`; anomaly detector `{anomaly, score}`; several rows or a batch: `{kind, rows, succeededRows, …}`.
   */
  result?: PredictionResult | RowResult | RowsSummary;
  /** Tabular values outside their training range (the first RECORDED_WARNINGS of them), served anyway. */
  warnings?: RangeWarning[];
  /** How many values were outside their training range in all (the record keeps the first ones). */
  warningCount?: number;
  /**
   * Time series read from a CSV or from JSON rows that carry the time column: what it said (rows out of order,
   * gaps, unreadable times, calibration on too few rows), the first RECORDED_WARNINGS with the row they are about
   * (a CSV's data row, or the index in `rows`). The rows are scored anyway.
   */
  timeWarnings?: TimeSeriesWarning[];
  /** How many time warnings in all. */
  timeWarningCount?: number;
  /**
   * Tabular rows, or a picture (its statistics, boxes and answer, serving/image-bins.ts): where they fell among the
   * version's baseline bins (drift, #24).
   */
  bins?: InputBins;
  /** Several rows or a batch: what their answers said, counted (labels, score buckets, uncertain), for statistics (#24). */
  answers?: AnswerCounts;
  /** Rows scored by a batch (while it runs, its record has status `running`: functions/batch/batch-record.ts). */
  processedRows?: number;
  /** Why it did not succeed: a stable `code` and a message safe to show (5xx details stay in the logs). */
  error?: { code: string; message: string };
  /** Results-bucket key of the picture with the detections drawn on it (S3 uploads to detectors). */
  annotatedKey?: string;
  /** Results-bucket key a rejected upload was moved to. */
  quarantineKey?: string;
  /** Keyed-HMAC pseudonym of the person the input is about (`subject-id` metadata, `x-subject-id` header). */
  subjectId?: string;
  /** Keyed-HMAC pseudonym of who asked (`requested-by` metadata, or the API key's id). */
  callerId?: string;
  /**
   * ISO time a replay claimed this held upload (`failed` with `model-disabled`) to run it again
   * (functions/uploads/replay.ts); gone once the run writes the record anew.
   */
  replayClaimedAt?: string;
  /**
   * What the `shadow` alias's version answered for this request, added after the answer by the shadow function
   * (D24): never an answer, not shown by GET /v1/predictions; exported and erased with the record.
   */
  shadow?: ShadowOutput;
  /** Milliseconds spent preprocessing, in the model, and in all. */
  timings: { preprocessMs: number; inferenceMs: number; totalMs: number };
  /** ISO time the record was written. */
  createdAt: string;
  /** Epoch seconds at which DynamoDB TTL deletes it: the retention period (RETENTION_DAYS, 90 by default). */
  expiresAt: number;
}

/** The port the application writes records through; records-dynamodb.ts is its DynamoDB adapter. */
export interface PredictionStore {
  /** Writes the record unless one with this id already ended for good. Returns false for such a duplicate. */
  put(record: PredictionRecord): Promise<boolean>;
  get(predictionId: string): Promise<PredictionRecord | undefined>;
  /** Withdraws a record that an erasure of its subject overtook (functions/records/erasure-ledger.ts). */
  delete(predictionId: string): Promise<void>;
}

/** A record as GET /v1/predictions shows it: without the shadow's output, which is no prediction anyone received. */
export function listedRecord(record: PredictionRecord): Omit<PredictionRecord, 'shadow'> {
  const listed: Omit<PredictionRecord, 'shadow'> & { shadow?: unknown } = { ...record };
  delete listed.shadow;
  return listed;
}

/** Epoch seconds at which DynamoDB TTL deletes the record: the retention period, from configuration. */
export function expiryFor(createdAt: Date, retentionDays: number): number {
  return Math.floor(createdAt.getTime() / 1000) + retentionDays * 86_400;
}
