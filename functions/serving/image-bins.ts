import type { InputBins } from '../records/input-bins';
import type { PredictionResult } from '../records/results';
import { binOf, featureBin, outputBin, type Baseline } from './baseline';

/** A detector's statistic beside the picture's: how many boxes it found in the frame. */
export const BOXES_FEATURE = 'boxes';

/** The values of an image prediction that its baseline bins: the picture's statistics, and boxes for a detector. */
export function imageValues(statistics: Record<string, number>, result: PredictionResult): Record<string, number> {
  return 'detections' in result ? { ...statistics, [BOXES_FEATURE]: result.detections.length } : statistics;
}

/**
 * One image prediction's bins (#24), as a tabular record's: each statistic's bin, and the answer's (a label's
 * share for a classifier; each box's score among the baseline's score quantiles for a detector, so a frame adds as
 * many as it has boxes).
 */
export function imageBins(baseline: Baseline, statistics: Record<string, number>, result: PredictionResult): InputBins {
  const values = imageValues(statistics, result);
  const features = Object.fromEntries(
    baseline.features
      .filter((feature) => feature.name in values)
      .map((feature) => {
        const counts = feature.shares.map(() => 0);
        counts[featureBin(feature, values[feature.name]!)]! += 1;
        return [feature.name, counts];
      }),
  );
  const output = baseline.output.shares.map(() => 0);
  if ('detections' in result) {
    if (baseline.output.kind === 'quantiles')
      for (const box of result.detections) output[binOf(baseline.output.edges, box.score)]! += 1;
  } else {
    const bin = outputBin(baseline.output, result);
    if (bin !== undefined) output[bin]! += 1;
  }
  return { rows: 1, features, output };
}
