import * as z from 'zod/mini';
import '../platform/zod-messages';
import type { InputBins } from '../records/input-bins';
import type { RowResult } from '../records/results';

/**
 * A version's baseline (#24): where its training or evaluation data fell, per feature and for the answers, in
 * the bins that records count their rows in (records/input-bins.ts) and that drift compares windows against
 * (functions/monitoring/). Stored in the version's metadata, so a version carries it wherever it is served from.
 */
const share = z.number().check(z.gte(0), z.lte(1));
const shares = z.array(share).check(
  z.minLength(2),
  z.refine((values) => Math.abs(values.reduce((sum, v) => sum + v, 0) - 1) < 1e-6, 'shares must sum to 1'),
);
const ascending = z
  .array(z.number())
  .check(z.refine((edges) => edges.every((edge, i) => i === 0 || edge > edges[i - 1]!), 'edges must ascend strictly'));

export const featureBaselineSchema = z.object({
  name: z.string(),
  /** Numbers: the cut points between bins (a value v falls in bin #{edges ≤ v}); absent for categories (a bin each). */
  edges: z.optional(ascending),
  /** Per bin, then the missing values' share last. */
  shares,
  mean: z.optional(z.number()),
  std: z.optional(z.number()),
});

export const outputBaselineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('labels'), labels: z.array(z.string()).check(z.minLength(1)), shares }),
  /** Scores (anomaly) or values (regression), binned at their quantiles. */
  z.object({ kind: z.literal('quantiles'), edges: ascending, shares }),
]);

export const baselineSchema = z.object({
  /** How many rows it was computed from: the `m` of PSI's null distribution. */
  rows: z.int().check(z.positive()),
  /** What data it was computed from. */
  data: z.string().check(z.minLength(1)),
  features: z.array(featureBaselineSchema).check(z.minLength(1)),
  output: outputBaselineSchema,
});

export type Baseline = z.infer<typeof baselineSchema>;
export type FeatureBaseline = z.infer<typeof featureBaselineSchema>;
export type OutputBaseline = z.infer<typeof outputBaselineSchema>;

/** Bins per numeric feature: ten, each ~10 % of the baseline, so that a window of 50 rows expects 5 per bin. */
export const NUMERIC_BINS = 10;

/** The bin of a number among cut points: how many of them it reaches (binary search). */
export function binOf(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value >= edges[middle]!) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A feature value's bin: missing (NaN) last; a category's index is its bin. */
export function featureBin(feature: FeatureBaseline, value: number): number {
  const missing = feature.shares.length - 1;
  if (Number.isNaN(value)) return missing;
  return feature.edges ? binOf(feature.edges, value) : Math.min(Math.max(Math.round(value), 0), missing - 1);
}

/** An answer's bin, or undefined for an answer the baseline has no bin for (a label it never saw). */
export function outputBin(output: OutputBaseline, result: RowResult): number | undefined {
  if (output.kind === 'labels') {
    const index = 'label' in result ? output.labels.indexOf(result.label) : -1;
    return index < 0 ? undefined : index;
  }
  const value = 'score' in result ? result.score : 'value' in result ? result.value : undefined;
  return value === undefined ? undefined : binOf(output.edges, value);
}

/**
 * Counts rows into a baseline's bins as they are scored, a chunk at a time (a batch never holds its rows):
 * the record's `bins`. `names` is the spec's feature order, the order of each row's values.
 */
export class BinTally {
  readonly #features: Array<{ baseline: FeatureBaseline; column: number; counts: number[] }>;
  readonly #output: number[];
  #rows = 0;

  constructor(
    readonly baseline: Baseline,
    names: readonly string[],
  ) {
    this.#features = baseline.features
      .map((feature) => ({ baseline: feature, column: names.indexOf(feature.name), counts: feature.shares.map(() => 0) }))
      .filter((feature) => feature.column >= 0);
    this.#output = baseline.output.shares.map(() => 0);
  }

  add(values: ArrayLike<number> | undefined, result: RowResult | undefined): void {
    if (values) {
      this.#rows += 1;
      for (const feature of this.#features) feature.counts[featureBin(feature.baseline, values[feature.column]!)]! += 1;
    }
    const bin = result && outputBin(this.baseline.output, result);
    if (bin !== undefined) this.#output[bin]! += 1;
  }

  /** The record's `bins`: only when some row was read. */
  fields(): { bins?: InputBins } {
    if (this.#rows === 0) return {};
    const features = Object.fromEntries(this.#features.map((feature) => [feature.baseline.name, feature.counts]));
    return { bins: { rows: this.#rows, features, output: this.#output } };
  }
}
