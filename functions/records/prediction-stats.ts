import { answerCounts, type AnswerCounts } from './answer-counts';
import { addCounts, bucketOf, type BucketCounts } from './log-histogram';
import type { PredictionRecord } from './records';

/**
 * Statistics kept as counters (#24, docs/architecture.md D27): one item per model, hour, version and alias
 * and one per model, day, version and alias, to both of which every record adds what it counts as it is written,
 * so that 30 days of a model read 30 items per version and alias (or 24 per day, hour by hour), however many
 * predictions they hold. Counters only: no identifier, no input, no answer of anyone in particular; they outlive
 * the records (STATS_RETENTION_DAYS) for the monthly report.
 */
export interface StatsCounts {
  /** Predictions: 1 per single prediction, a multi-row request or batch its rows (or 1 when it failed as a whole). */
  count: number;
  succeeded: number;
  /** Refused for good: single predictions and files refused, rows refused for their values. */
  rejected: number;
  /** Failed and retryable (a retried prediction that then succeeds counts in both). */
  failed: number;
  /** Records that did not succeed, per error code. */
  errors: Record<string, number>;
  /** Each request's `timings.totalMs`, per log bucket; a batch's run is no request latency and is not counted. */
  latency: BucketCounts;
  labels: Record<string, number>;
  scores: BucketCounts;
  uncertain: number;
}

/** The periods counters are kept for. */
export type StatsInterval = 'hour' | 'day';

/** Where a record's counts go: its model, the hour it was made in (and so its day), the version and alias that answered. */
export interface StatsSlot {
  model: string;
  /** `YYYY-MM-DDTHH` (UTC), as the record's `createdAt` begins. */
  hour: string;
  /** Absent when the input was refused before a version was chosen, or the prediction named its version. */
  version?: string;
  alias?: string;
}

/** One period's counters: `period` is `YYYY-MM-DDTHH` (hour) or `YYYY-MM-DD` (day), UTC. */
export interface StatsItem extends Omit<StatsSlot, 'hour'> {
  period: string;
  counts: StatsCounts;
}

/** The port statistics are kept through; prediction-stats-dynamodb.ts is its DynamoDB adapter. */
export interface PredictionStats {
  /** Adds counts to the slot's hour and day (a written record's: `recordCounts`, `slotOf`; or many records' at once). */
  add(slot: StatsSlot, counts: StatsCounts): Promise<void>;
  /** A model's items of one interval from period `from` to period `to`, both included, in time order. */
  read(model: string, interval: StatsInterval, from: string, to: string): AsyncIterable<StatsItem>;
}

/** How long the counters are kept: 13 months, so that a yearly comparison and every monthly report find them. */
export const STATS_RETENTION_DAYS = 400;

/** The hour or day an ISO time (UTC, as records write it) falls in. */
export const periodOf = (iso: string, interval: StatsInterval) => iso.slice(0, interval === 'hour' ? 13 : 10);

export function emptyCounts(): StatsCounts {
  return { count: 0, succeeded: 0, rejected: 0, failed: 0, errors: {}, latency: {}, labels: {}, scores: {}, uncertain: 0 };
}

/** Adds `from` (times `factor`) into `into`, and returns it. */
export function addStats(into: StatsCounts, from: Readonly<StatsCounts>, factor = 1): StatsCounts {
  into.count += factor * from.count;
  into.succeeded += factor * from.succeeded;
  into.rejected += factor * from.rejected;
  into.failed += factor * from.failed;
  into.uncertain += factor * from.uncertain;
  addCounts(into.errors, from.errors, factor);
  addCounts(into.latency, from.latency, factor);
  addCounts(into.labels, from.labels, factor);
  addCounts(into.scores, from.scores, factor);
  return into;
}

function outcomeCounts(record: PredictionRecord): Pick<StatsCounts, 'count' | 'succeeded' | 'rejected' | 'failed'> {
  const result = record.result;
  if (result && 'rows' in result) {
    const { rows, succeededRows, rejectedRows } = result;
    return { count: rows, succeeded: succeededRows, rejected: rejectedRows, failed: 0 };
  }
  const one = (status: PredictionRecord['status']) => (record.status === status ? 1 : 0);
  return { count: 1, succeeded: one('succeeded'), rejected: one('rejected'), failed: one('failed') };
}

/** The counts that take `counts` back out. */
export function negated(counts: StatsCounts): StatsCounts {
  return addStats(emptyCounts(), counts, -1);
}

/** What one record adds to its hour's statistics. */
export function recordCounts(record: PredictionRecord): StatsCounts {
  const result = record.result;
  const answers: AnswerCounts = result && !('rows' in result) ? answerCounts(result) : (record.answers ?? {});
  // Only a CSV batch's record carries `processedRows`, whether it ended well or not.
  const batch = record.processedRows !== undefined;
  return {
    ...outcomeCounts(record),
    errors: record.error ? { [record.error.code]: 1 } : {},
    latency: batch ? {} : { [bucketOf(record.timings.totalMs)]: 1 },
    labels: answers.labels ?? {},
    scores: answers.scores ?? {},
    uncertain: answers.uncertain ?? 0,
  };
}

/** The slot a record counts in. */
export function slotOf(record: PredictionRecord): StatsSlot {
  return {
    model: record.model,
    hour: periodOf(record.createdAt, 'hour'),
    ...(record.modelVersion !== undefined && { version: record.modelVersion }),
    ...(record.alias !== undefined && { alias: record.alias }),
  };
}
