import { readFileSync } from 'node:fs';
import type { RowResult } from '../../functions/records/results';
import { baselineSchema, type Baseline, type FeatureBaseline } from '../../functions/serving/baseline';

/** Rows drawn from a shipped version's own baseline: what "nothing changed" looks like to drift (#24). */
export const baselineOf = (model: string): Baseline =>
  baselineSchema.parse(JSON.parse(readFileSync(`models/${model}/1.0.0/metadata.json`, 'utf8')).baseline);

const pick = (shares: readonly number[], random: () => number) => {
  let u = random();
  for (let i = 0; i < shares.length - 1; i += 1) if ((u -= shares[i]!) < 0) return i;
  return shares.length - 1;
};

/** A value of the feature's baseline: a bin by its share, uniform inside it (the outer bins end 3σ past their edge). */
export function drawValue(feature: FeatureBaseline, random: () => number): number {
  const bin = pick(feature.shares.slice(0, -1), random);
  const edges = feature.edges!;
  const spread = 3 * (feature.std ?? 1);
  const low = edges[bin - 1] ?? edges[0]! - spread;
  const high = edges[bin] ?? edges.at(-1)! + spread;
  return low + (high - low) * random();
}

/** An answer of the baseline's output distribution, or of other label shares. */
export function drawResult(baseline: Baseline, random: () => number, labelShares?: number[]): RowResult {
  const { output } = baseline;
  if (output.kind === 'labels') {
    const label = output.labels[pick(labelShares ?? output.shares, random)]!;
    return { label, confidence: 1, probabilities: { [label]: 1 } };
  }
  const bin = pick(output.shares, random);
  const low = output.edges[bin - 1] ?? 0;
  const high = output.edges[bin] ?? 1;
  return { anomaly: 0, score: low + (high - low) * random() };
}
