import type { RangeWarning } from './warnings';

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

/**
 * Out-of-range warnings as a record keeps them, gathered as rows are scored: the first RECORDED_WARNINGS, and how
 * many in all. A batch adds them chunk by chunk, never holding its rows.
 */
export class RangeWarningTally {
  #kept: RangeWarning[] = [];
  #count = 0;

  add(warnings: readonly RangeWarning[]): void {
    this.#count += warnings.length;
    if (this.#kept.length < RECORDED_WARNINGS) this.#kept.push(...warnings.slice(0, RECORDED_WARNINGS - this.#kept.length));
  }

  /** The record's `warnings` and `warningCount`: only when there are any. */
  fields(): { warnings?: RangeWarning[]; warningCount?: number } {
    return this.#count > 0 ? { warnings: this.#kept, warningCount: this.#count } : {};
  }
}
