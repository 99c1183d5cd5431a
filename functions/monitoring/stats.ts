import { quantile, type BucketCounts } from '../records/log-histogram';
import {
  addStats,
  emptyCounts,
  periodOf,
  type PredictionStats,
  type StatsCounts,
  type StatsInterval,
} from '../records/prediction-stats';

/**
 * Statistics of a model over time (#24, GET /v1/models/{model}/stats): its hourly or daily counters
 * (records/prediction-stats.ts) per version and alias, and added up over the whole range. Ranges are whole
 * periods: `from` is taken back to the start of its hour (day) and `to` on to the end of its own.
 */
export type { StatsInterval };

export interface StatsRange {
  from: string;
  to: string;
}

/** What a set of predictions did, as the route, the CLI and the monthly report show it. */
export interface StatsFigures {
  count: number;
  succeeded: number;
  rejected: number;
  failed: number;
  /** Records that did not succeed, per error code. */
  errors: Record<string, number>;
  /** Requests' total time (batches excluded), within 2 % (records/log-histogram.ts); null when none. */
  latencyMs: { p50: number; p95: number } | null;
  /** Share of the answers per label (classifiers, detections, anomaly / normal), when there were labels. */
  labels?: Record<string, number>;
  /** Quantiles of the scores or values answered (anomaly, regression, detections), within 2 %, when there were some. */
  scores?: { p05: number; p25: number; p50: number; p75: number; p95: number };
  /** Share of the succeeded predictions whose answer was marked uncertain; null when none succeeded. */
  uncertainShare: number | null;
}

export interface StatsSeries {
  /** null: refused before a version was chosen. */
  version: string | null;
  /** null: the prediction named its version (or none was chosen). */
  alias: string | null;
  total: StatsFigures;
  /** The hours or days that hold predictions, in time order (empty ones are left out). */
  buckets: Array<{ start: string } & StatsFigures>;
}

export interface ModelStats {
  model: string;
  /** The whole hours (days) covered: from the start of `from`'s to the end of `to`'s. */
  from: string;
  to: string;
  interval: StatsInterval;
  series: StatsSeries[];
}

const share = (part: number, whole: number) => Math.round((part / whole) * 10_000) / 10_000;
const ms = (value: number) => Math.round(value * 100) / 100;
const significant = (value: number) => Number(value.toPrecision(4));

function quantiles(counts: BucketCounts, levels: readonly number[], round: (value: number) => number) {
  return levels.map((q) => round(quantile(counts, q) ?? 0));
}

/** The figures of a set of counters. */
export function figuresOf(counts: StatsCounts): StatsFigures {
  const { count, succeeded, rejected, failed, errors } = counts;
  const timed = Object.values(counts.latency).some((n) => n > 0);
  const [p50 = 0, p95 = 0] = quantiles(counts.latency, [0.5, 0.95], ms);
  const labelled = Object.values(counts.labels).reduce((sum, n) => sum + n, 0);
  const scored = Object.values(counts.scores).some((n) => n > 0);
  const [p05 = 0, p25 = 0, p50s = 0, p75 = 0, p95s = 0] = quantiles(counts.scores, [0.05, 0.25, 0.5, 0.75, 0.95], significant);
  return {
    count,
    succeeded,
    rejected,
    failed,
    errors: { ...errors },
    latencyMs: timed ? { p50, p95 } : null,
    ...(labelled > 0 && {
      labels: Object.fromEntries(Object.entries(counts.labels).map(([label, n]) => [label, share(n, labelled)])),
    }),
    ...(scored && { scores: { p05, p25, p50: p50s, p75, p95: p95s } }),
    uncertainShare: succeeded > 0 ? share(counts.uncertain, succeeded) : null,
  };
}

const PERIOD_MS: Record<StatsInterval, number> = { hour: 3_600_000, day: 86_400_000 };
const periodStart = (period: string) => new Date(period.length === 10 ? period : `${period}:00:00Z`).toISOString();

/** The whole periods a range covers, as ISO times and as the counters' periods. */
export function wholePeriods(range: StatsRange, interval: StatsInterval) {
  const first = periodOf(new Date(range.from).toISOString(), interval);
  const last = periodOf(new Date(range.to).toISOString(), interval);
  const end = new Date(Date.parse(periodStart(last)) + PERIOD_MS[interval]).toISOString();
  return { first, last, from: periodStart(first), to: end };
}

/** Versions and aliases in code-point order, the ones with none last. */
function compareNullLast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null || b === null) return a === null ? 1 : -1;
  return a < b ? -1 : 1;
}

interface Tally {
  version: string | null;
  alias: string | null;
  total: StatsCounts;
  buckets: Map<string, StatsCounts>;
}

/** Statistics of a model over a range, per version and alias, per hour or day (GET /v1/models/{model}/stats). */
export async function modelStats(
  stats: PredictionStats,
  model: string,
  range: StatsRange,
  interval: StatsInterval,
): Promise<ModelStats> {
  const periods = wholePeriods(range, interval);
  const tallies = new Map<string, Tally>();
  for await (const item of stats.read(model, interval, periods.first, periods.last)) {
    const version = item.version ?? null;
    const alias = item.alias ?? null;
    const key = JSON.stringify([version, alias]);
    let tally = tallies.get(key);
    if (!tally) tallies.set(key, (tally = { version, alias, total: emptyCounts(), buckets: new Map() }));
    addStats(tally.total, item.counts);
    const start = periodStart(item.period);
    const bucket = tally.buckets.get(start) ?? emptyCounts();
    tally.buckets.set(start, addStats(bucket, item.counts));
  }
  const series = [...tallies.values()]
    .sort((a, b) => compareNullLast(a.version, b.version) || compareNullLast(a.alias, b.alias))
    .map((tally) => ({
      version: tally.version,
      alias: tally.alias,
      total: figuresOf(tally.total),
      buckets: [...tally.buckets.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([start, counts]) => ({ start, ...figuresOf(counts) })),
    }));
  return { model, from: periods.from, to: periods.to, interval, series };
}

/**
 * Each version's figures over a range of whole days, its aliases together (version null: refused before one was
 * chosen): volume, error and rejection rates, latency, uncertain share, label shares or score quantiles, for the
 * monthly audit report and any reader that wants a period's totals rather than a series.
 */
export async function versionFigures(
  stats: PredictionStats,
  model: string,
  range: StatsRange,
): Promise<Array<{ version: string | null; errorRate: number; rejectionRate: number } & StatsFigures>> {
  const days = wholePeriods(range, 'day');
  const totals = new Map<string | null, StatsCounts>();
  for await (const item of stats.read(model, 'day', days.first, days.last)) {
    const version = item.version ?? null;
    totals.set(version, addStats(totals.get(version) ?? emptyCounts(), item.counts));
  }
  return [...totals.entries()]
    .sort(([a], [b]) => compareNullLast(a, b))
    .map(([version, counts]) => ({
      version,
      ...figuresOf(counts),
      // Shares of the predictions that failed (retryable) and that were refused for good.
      errorRate: counts.count > 0 ? share(counts.failed, counts.count) : 0,
      rejectionRate: counts.count > 0 ? share(counts.rejected, counts.count) : 0,
    }));
}
