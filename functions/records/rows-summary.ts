/**
 * What the record of a multi-row tabular prediction holds instead of each row's answer (a DynamoDB item is capped
 * at 400 KB; the rows' answers go back to the caller or into the batch's output file).
 */
export interface RowsSummary {
  /** `rows`: several rows over HTTP (JSON or CSV); `batch`: a CSV uploaded to S3. */
  kind: 'rows' | 'batch';
  rows: number;
  succeededRows: number;
  rejectedRows: number;
  /** Results-bucket key of the scored CSV (batches). */
  outputKey?: string;
}

/** At most this many out-of-range warnings are kept in a record; `warningCount` has them all. */
export const RECORDED_WARNINGS = 100;

/** A scored CSV's time warnings as a record holds them: only when there are any. */
export function recordedTimeWarnings<W>(summary: { timeWarnings: W[]; timeWarningCount: number }) {
  return summary.timeWarningCount > 0 ? { timeWarnings: summary.timeWarnings, timeWarningCount: summary.timeWarningCount } : {};
}
