import type { RowResult } from '../records/results';
import { baselineSchema, type Baseline } from '../serving/baseline';
import { buildBaseline } from '../serving/baseline-build';
import type { ModelMetadata } from '../serving/model-spec';
import type { Dataset } from './dataset';
import { argmaxRows } from './metrics';

/**
 * A trained version's drift baseline, written at registration (#24): its held-out rows (the evaluation data, in the
 * tensor's own encoding: a category as its index, missing as NaN, imputed inside the graph) and the answers the
 * version gives them, binned as a shipped version's are (buildBaseline). None when they cannot make one (a
 * regressor answering one value throughout has no quantiles): the version is then served without drift.
 */
export function heldOutBaseline(
  metadata: Pick<ModelMetadata, 'input' | 'output'>,
  heldOut: Dataset,
  outputs: Float64Array,
): Baseline | undefined {
  const width = heldOut.features.length;
  const labels = metadata.output.kind === 'classification' ? metadata.output.labels : [];
  const classes = labels.length > 0 ? argmaxRows(outputs, labels.length) : undefined;
  const results: RowResult[] = Array.from({ length: heldOut.rows }, (_, r) =>
    classes
      ? { label: labels[classes[r]!]!, confidence: outputs[r * labels.length + classes[r]!]!, probabilities: {} }
      : { value: outputs[r]! },
  );
  const baseline = buildBaseline(
    metadata,
    results.map((result, r) => ({ values: heldOut.x.subarray(r * width, (r + 1) * width), result })),
    `the ${heldOut.rows} held-out rows of the uploaded table (training.data.split), answered by this version`,
  );
  return baselineSchema.safeParse(baseline).success ? baseline : undefined;
}
