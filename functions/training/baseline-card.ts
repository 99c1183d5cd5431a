import type { Baseline, FeatureBaseline } from '../serving/baseline';

const round = (value: number) => Number(value.toPrecision(4));
const percent = (share: number) => `${round(share * 100)} %`;

function featureLine(feature: FeatureBaseline): string {
  const missing = feature.shares.at(-1)!;
  const spread = feature.mean === undefined ? '' : `, mean ${round(feature.mean)}, sd ${round(feature.std ?? 0)}`;
  const bins = feature.edges
    ? feature.edges.length === 0
      ? 'one value throughout'
      : `${feature.edges.length + 1} bins cut at ${feature.edges.map(round).join(', ')}`
    : `${feature.shares.length - 1} categories, ${feature.shares.slice(0, -1).map(percent).join(' / ')}`;
  return `${feature.name}: ${bins}${spread}${missing > 0 ? `, ${percent(missing)} missing` : ''}`;
}

/**
 * A version's drift baseline as the model card shows it (#24): what it was computed from, each feature (or
 * picture statistic) binned, and the answers' distribution. The same lines in the Markdown and JSON cards.
 */
export function baselineLines(baseline: Baseline): string[] {
  const { output } = baseline;
  const answers =
    output.kind === 'labels'
      ? `answers: ${output.labels.map((label, i) => `${label} ${percent(output.shares[i]!)}`).join(', ')}`
      : `answers: scores in ${output.shares.length} quantile bins cut at ${output.edges.map(round).join(', ')}`;
  return [`computed from ${baseline.data} (${baseline.rows} rows)`, ...baseline.features.map(featureLine), answers];
}
