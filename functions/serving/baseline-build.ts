import type { PredictionResult, RowResult } from '../records/results';
import { imageValues } from './image-bins';
import { binOf, NUMERIC_BINS, type Baseline, type FeatureBaseline, type OutputBaseline } from './baseline';
import type { ModelMetadata } from './model-spec';

/** Cut points at the values' quantiles 1/B … (B−1)/B, repeated values merged (a bin is never empty by design). */
function quantileEdges(sorted: readonly number[], bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k += 1) {
    const edge = sorted[Math.floor((k * sorted.length) / bins)]!;
    if (edge > sorted[0]! && (edges.length === 0 || edge > edges.at(-1)!)) edges.push(edge);
  }
  return edges;
}

const sharesOf = (counts: number[], total: number) => counts.map((count) => count / total);

function numericBaseline(name: string, values: number[]): FeatureBaseline {
  const present = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  const edges = present.length > 0 ? quantileEdges(present, NUMERIC_BINS) : [];
  const counts = new Array<number>(edges.length + 2).fill(0);
  for (const value of values) counts[Number.isNaN(value) ? edges.length + 1 : binOf(edges, value)]! += 1;
  const mean = present.reduce((sum, v) => sum + v, 0) / (present.length || 1);
  const variance = present.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (present.length || 1);
  return { name, edges, shares: sharesOf(counts, values.length), mean, std: Math.sqrt(variance) };
}

function categoryBaseline(name: string, categories: number, values: number[]): FeatureBaseline {
  const counts = new Array<number>(categories + 1).fill(0);
  for (const value of values) counts[Number.isNaN(value) ? categories : Math.round(value)]! += 1;
  return { name, shares: sharesOf(counts, values.length) };
}

function outputBaseline(metadata: Pick<ModelMetadata, 'output'>, results: RowResult[]): OutputBaseline {
  const { output } = metadata;
  if (output.kind === 'classification') {
    const counts = output.labels.map((label) => results.filter((result) => 'label' in result && result.label === label).length);
    return { kind: 'labels', labels: output.labels, shares: sharesOf(counts, results.length) };
  }
  const values = results.map((result) => ('score' in result ? result.score : 'value' in result ? result.value : NaN));
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  const edges = quantileEdges(sorted, NUMERIC_BINS);
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of sorted) counts[binOf(edges, value)]! += 1;
  return { kind: 'quantiles', edges, shares: sharesOf(counts, sorted.length) };
}

/**
 * A tabular version's baseline from the rows it was trained or evaluated on: each row's values in the spec's
 * feature order (a category as its index, missing as NaN) and the answer the version gave it.
 */
export function buildBaseline(
  metadata: Pick<ModelMetadata, 'input' | 'output'>,
  rows: ReadonlyArray<{ values: ArrayLike<number>; result: RowResult }>,
  data: string,
): Baseline {
  if (metadata.input.kind !== 'tabular') throw new Error('Only tabular versions have a feature baseline yet.');
  const features = metadata.input.features.map((feature, column) => {
    const values = rows.map((row) => row.values[column]!);
    return feature.type === 'category'
      ? categoryBaseline(feature.name, feature.values.length, values)
      : numericBaseline(feature.name, values);
  });
  return {
    rows: rows.length,
    data,
    features,
    output: outputBaseline(
      metadata,
      rows.map((row) => row.result),
    ),
  };
}

/**
 * An image version's baseline from its evaluation pictures (#24): the statistics of each picture (and, for a
 * detector, its boxes per frame), and its answers: label shares for a classifier, the boxes' score quantiles for a
 * detector.
 */
export function buildImageBaseline(
  metadata: Pick<ModelMetadata, 'output'>,
  samples: ReadonlyArray<{ statistics: Record<string, number>; result: PredictionResult }>,
  data: string,
): Baseline {
  const values = samples.map((sample) => imageValues(sample.statistics, sample.result));
  const features = Object.keys(values[0] ?? {}).map((name) =>
    numericBaseline(
      name,
      values.map((value) => value[name]!),
    ),
  );
  // A detector's answers are its boxes' scores, binned as an anomaly score is (PSI's m stays the frames: a
  // detector with more boxes than frames gets a threshold a little wide, never a narrow one).
  const answers = samples.flatMap(({ result }): RowResult[] =>
    'detections' in result ? result.detections.map((box) => ({ anomaly: 0, score: box.score })) : [result],
  );
  return { rows: samples.length, data, features, output: outputBaseline(metadata, answers) };
}
