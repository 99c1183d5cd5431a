import type { ModelRecords } from '../records/model-records';
import type { PredictionRecord } from '../records/records';
import { DEFAULT_ALIAS } from '../serving/aliases';
import { CANARY_ALIAS } from '../serving/routing';

/**
 * The two arms of a canary compared from the prediction records alone (docs/architecture.md, D25): the
 * records of the window are read once through the `byModel` index, and each goes to the arm its alias and version
 * name. Production's arm is its version answering as `production`; the canary's is its version answering as
 * `canary`. Records asked by version, or of another version, belong to neither.
 */

/** The output distribution of an arm: label shares for classifiers, score or value quantiles for the others. */
export interface OutputDistribution {
  /** Classifiers: each label's share of the succeeded answers. */
  labels?: Record<string, number>;
  /** Detectors (every box's score), regressors (the value), anomaly detectors (the score). */
  quantiles?: { p05: number; p50: number; p95: number };
}

/** What an arm did over the window. */
export interface ArmFigures {
  version: string;
  /** Records of the arm, whatever their status (a batch counts once). */
  count: number;
  succeeded: number;
  /** `failed` records: the platform or the model could not answer (5xx). */
  errors: number;
  errorRate: number;
  /** `rejected` records: inputs refused (4xx), shown beside the errors, not counted among them. */
  rejected: number;
  rejectedRate: number;
  /** p95 of `timings.totalMs` over the succeeded single answers; null when there is none. */
  latencyP95Ms: number | null;
  output: OutputDistribution;
}

export interface ArmsWindow {
  from: string;
  to: string;
}

/** The arm versions to compare: production's (its alias, or the newest approved) and the canary's. */
export interface ArmVersions {
  production: string;
  canary: string;
}

/** The q-quantile of sorted values, nearest rank (the value a q share of them do not exceed). */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Gathers one arm's records as they are read: counts, the latencies and the outputs it keeps for the figures. */
class ArmTally {
  count = 0;
  succeeded = 0;
  errors = 0;
  rejected = 0;
  readonly latencies: number[] = [];
  readonly labels = new Map<string, number>();
  readonly scores: number[] = [];

  add(record: PredictionRecord): void {
    // A batch still being scored has no outcome yet.
    if ((record.status as string) === 'running') return;
    this.count += 1;
    if (record.status === 'failed') this.errors += 1;
    else if (record.status === 'rejected') this.rejected += 1;
    if (record.status !== 'succeeded') return;
    this.succeeded += 1;
    const result = record.result;
    // Several rows or a batch: one record for many answers, its time the whole file's; counted, not measured.
    if (!result || 'rows' in result) return;
    this.latencies.push(record.timings.totalMs);
    if ('label' in result) this.labels.set(result.label, (this.labels.get(result.label) ?? 0) + 1);
    else if ('detections' in result) this.scores.push(...result.detections.map((detection) => detection.score));
    else if ('score' in result) this.scores.push(result.score);
    else this.scores.push(result.value);
  }

  figures(version: string): ArmFigures {
    const latencies = [...this.latencies].sort((a, b) => a - b);
    const scores = [...this.scores].sort((a, b) => a - b);
    const labelled = [...this.labels.values()].reduce((sum, n) => sum + n, 0);
    return {
      version,
      count: this.count,
      succeeded: this.succeeded,
      errors: this.errors,
      errorRate: share(this.errors, this.count),
      rejected: this.rejected,
      rejectedRate: share(this.rejected, this.count),
      latencyP95Ms: latencies.length === 0 ? null : quantile(latencies, 0.95),
      output: {
        ...(labelled > 0 && {
          labels: Object.fromEntries(
            [...this.labels].sort(([a], [b]) => a.localeCompare(b)).map(([l, n]) => [l, share(n, labelled)]),
          ),
        }),
        ...(scores.length > 0 && {
          quantiles: { p05: quantile(scores, 0.05), p50: quantile(scores, 0.5), p95: quantile(scores, 0.95) },
        }),
      },
    };
  }
}

/** Both arms over the window, from one Query of the model's records. */
export async function compareArms(
  records: Pick<ModelRecords, 'each'>,
  model: string,
  versions: ArmVersions,
  window: ArmsWindow,
): Promise<{ production: ArmFigures; canary: ArmFigures }> {
  const production = new ArmTally();
  const canary = new ArmTally();
  for await (const record of records.each({ model, from: window.from, to: window.to })) {
    if (record.alias === DEFAULT_ALIAS && record.modelVersion === versions.production) production.add(record);
    else if (record.alias === CANARY_ALIAS && record.modelVersion === versions.canary) canary.add(record);
  }
  return { production: production.figures(versions.production), canary: canary.figures(versions.canary) };
}
