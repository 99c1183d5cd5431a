import { addCounts, bucketOf, type BucketCounts } from './log-histogram';
import type { PredictionResult, RowResult } from './results';

/**
 * What the answers of a prediction said, counted (#24 statistics): labels, scores in the log histogram's buckets
 * (log-histogram.ts) and uncertain answers. A single answer is read from the record's `result`; a multi-row
 * request or a CSV batch keeps these counts in its record (`answers`), since its rows' answers are not stored.
 */
export interface AnswerCounts {
  /** Answers per label: classes, each detection's label, `anomaly` / `normal`. */
  labels?: Record<string, number>;
  /** Anomaly scores, regression values and each detection's score, per bucket. */
  scores?: BucketCounts;
  /** Answers marked uncertain. */
  uncertain?: number;
}

/** Adds one answer's counts into `into`. */
function countAnswer(into: AnswerCounts, result: PredictionResult | RowResult): void {
  const label = (name: string) => ((into.labels ??= {})[name] = (into.labels[name] ?? 0) + 1);
  const score = (value: number) => addCounts((into.scores ??= {}), { [bucketOf(value)]: 1 });
  if ('detections' in result) {
    for (const detection of result.detections) {
      label(detection.label);
      score(detection.score);
    }
    return;
  }
  if ('label' in result) label(result.label);
  if ('anomaly' in result) {
    label(result.anomaly === 1 ? 'anomaly' : 'normal');
    score(result.score);
  }
  if ('value' in result) score(result.value);
  if ('uncertain' in result && result.uncertain) into.uncertain = (into.uncertain ?? 0) + 1;
}

/** The counts of one answer (a single prediction's `result`). */
export function answerCounts(result: PredictionResult | RowResult): AnswerCounts {
  const counts: AnswerCounts = {};
  countAnswer(counts, result);
  return counts;
}

/** Counts rows' answers as they are scored, a chunk at a time: a multi-row record's `answers`. */
export class AnswerTally {
  readonly #counts: AnswerCounts = {};

  add(result: RowResult | undefined): void {
    if (result) countAnswer(this.#counts, result);
  }

  /** The record's `answers`: only when some row was answered. */
  fields(): { answers?: AnswerCounts } {
    return Object.keys(this.#counts).length > 0 ? { answers: this.#counts } : {};
  }
}
