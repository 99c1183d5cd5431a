import type { PredictionRecord, PredictionStatus } from './records';

/**
 * A model's records over a time range, read through the predictions table's `byModel` index (model, createdAt):
 * the listing of GET /v1/predictions, and the windows that drift and statistics are computed from (#24). Every
 * read is a Query on one model between two times; nothing scans the table.
 */
export interface ModelRecords {
  /** A page of the model's records, newest first, and where the next page starts when there is one. */
  page(
    query: RecordQuery,
    options: { limit: number; after?: RecordPageKey },
  ): Promise<{ items: PredictionRecord[]; next?: RecordPageKey }>;
  /** Every record of the model in the range, in time order, a DynamoDB page at a time. */
  each(query: RecordQuery): AsyncIterable<PredictionRecord>;
}

/** Which records: one model, between two ISO times (both included), optionally narrowed. */
export interface RecordQuery {
  model: string;
  from: string;
  to: string;
  version?: string;
  /** `running`: a batch still being scored. */
  status?: PredictionStatus | 'running';
  source?: PredictionRecord['source'];
}

/** Where a listing stopped: the `byModel` index's key of the last record it returned. */
export type RecordPageKey = Pick<PredictionRecord, 'predictionId' | 'model' | 'createdAt'>;
