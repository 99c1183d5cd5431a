/**
 * A histogram with fixed logarithmic buckets (the DDSketch layout), whose counts can be added up across records,
 * hours and days without losing anything: statistics keep counters, never values (#24). Bucket `i` holds the
 * magnitudes in (γ^(i−1), γ^i], γ = (1 + α) / (1 − α), and answers with 2γ^i / (γ + 1): every quantile read
 * from it is within a relative error α of the exact one (nearest rank), however many histograms were merged.
 * Magnitudes under SMALLEST count as 0 (an absolute error under SMALLEST); negative values (regression outputs)
 * have buckets of their own, keyed `-i` (indexes are offset to stay positive).
 */

/** The relative error every quantile is within: 2 %. */
export const RELATIVE_ERROR = 0.02;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);

/** Below this magnitude a value counts as 0 (latencies are kept to 0.01 ms; scores are far coarser than this). */
export const SMALLEST = 1e-6;
/** Added to every index, so that magnitudes under 1 (negative indexes) keep a key without a sign of their own. */
const OFFSET = 1 - Math.ceil(Math.log(SMALLEST) / LOG_GAMMA);

/** The bucket of a value: `0`, `i` or `-i` (a string, as it becomes a counter's name). */
export function bucketOf(value: number): string {
  const magnitude = Math.abs(value);
  if (!(magnitude >= SMALLEST)) return '0';
  const index = Math.ceil(Math.log(magnitude) / LOG_GAMMA) + OFFSET;
  return value < 0 ? `-${index}` : `${index}`;
}

/** The value a bucket answers with: within α of every value it holds. */
export function bucketValue(bucket: string): number {
  if (bucket === '0') return 0;
  const negative = bucket.startsWith('-');
  const index = Number(negative ? bucket.slice(1) : bucket) - OFFSET;
  const value = (2 * Math.pow(GAMMA, index)) / (GAMMA + 1);
  return negative ? -value : value;
}

/** Counts per bucket, as records and statistics items keep them. */
export type BucketCounts = Record<string, number>;

/** Adds `from`'s counts (times `factor`) into `into`, and returns it. */
export function addCounts(into: BucketCounts, from: Readonly<BucketCounts>, factor = 1): BucketCounts {
  for (const [bucket, count] of Object.entries(from)) into[bucket] = (into[bucket] ?? 0) + factor * count;
  return into;
}

/**
 * The q-quantile of the counted values by nearest rank (the value of rank ⌈q·n⌉ in ascending order, as
 * scripts/bench/stats.ts measures latencies), within α; undefined when nothing was counted.
 */
export function quantile(counts: Readonly<BucketCounts>, q: number): number | undefined {
  const buckets = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([bucket, count]) => ({ value: bucketValue(bucket), count }))
    .sort((a, b) => a.value - b.value);
  const n = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  if (n === 0) return undefined;
  const rank = Math.min(n, Math.max(1, Math.ceil(q * n)));
  let seen = 0;
  for (const bucket of buckets) {
    seen += bucket.count;
    if (seen >= rank) return bucket.value;
  }
  return buckets.at(-1)!.value;
}
