import type { ModelRecords } from '../records/model-records';
import type { ShadowComparison } from '../records/shadow-outputs';
import type { AliasTarget } from '../serving/aliases';

/** How a shadow version agreed with the version that answered, over a window (GET /v1/models/{model}/shadow). */
export interface ShadowAgreement {
  productionVersion: string;
  shadowVersion: string;
  /** Production requests the shadow scored; `failed` of them it could not answer. */
  requests: number;
  failed: number;
  /** Rows (tabular) or pictures both versions answered. */
  n: number;
  /** Share of those with the same label (classifiers) or anomaly flag (anomaly detectors). */
  sameLabelShare?: number;
  /** Mean |production − shadow| score: production label's probability, anomaly score, value, or matched boxes' score. */
  meanScoreDifference?: number;
  /** Detectors: mean IoU of the boxes matched (same label, IoU ≥ 0.5), boxes of each side, pictures with as many boxes. */
  meanIoU?: number;
  boxes?: { production: number; shadow: number; matched: number };
  boxCountAgreement?: number;
}

export interface ShadowAnswer {
  model: string;
  window: { from: string; to: string };
  /** Where the `shadow` alias points now (its share in `weight`), if anywhere. */
  shadow?: AliasTarget;
  /** One entry per production version × shadow version seen in the window, most requests first. */
  agreement: ShadowAgreement[];
}

interface Totals {
  requests: number;
  failed: number;
  sum: Required<Omit<ShadowComparison, 'sameLabel' | 'boxes'>> & Pick<ShadowComparison, 'sameLabel' | 'boxes'>;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

function add(totals: Totals, comparison: ShadowComparison) {
  const { sum } = totals;
  sum.compared += comparison.compared;
  sum.scoreDifferenceSum += comparison.scoreDifferenceSum;
  sum.scoreDifferences += comparison.scoreDifferences;
  if (comparison.sameLabel !== undefined) sum.sameLabel = (sum.sameLabel ?? 0) + comparison.sameLabel;
  if (comparison.boxes) {
    const boxes = (sum.boxes ??= { production: 0, shadow: 0, matched: 0, iouSum: 0, sameCount: 0 });
    for (const field of ['production', 'shadow', 'matched', 'iouSum', 'sameCount'] as const)
      boxes[field] += comparison.boxes[field];
  }
}

function figures(productionVersion: string, shadowVersion: string, { requests, failed, sum }: Totals): ShadowAgreement {
  const { compared: n, boxes } = sum;
  return {
    productionVersion,
    shadowVersion,
    requests,
    failed,
    n,
    ...(sum.sameLabel !== undefined && n > 0 && { sameLabelShare: round(sum.sameLabel / n) }),
    ...(sum.scoreDifferences > 0 && { meanScoreDifference: round(sum.scoreDifferenceSum / sum.scoreDifferences) }),
    ...(boxes && {
      meanIoU: boxes.matched > 0 ? round(boxes.iouSum / boxes.matched) : 0,
      boxes: { production: boxes.production, shadow: boxes.shadow, matched: boxes.matched },
      boxCountAgreement: n > 0 ? round(boxes.sameCount / n) : 0,
    }),
  };
}

/**
 * The agreement of the shadow outputs stored on a model's records in [from, to] (read through the byModel index,
 * as drift is), per pair of versions: the records hold sums, so a window is their sum.
 */
export async function shadowReport(
  records: ModelRecords,
  model: string,
  range: { from: string; to: string },
  shadow: AliasTarget | undefined,
): Promise<ShadowAnswer> {
  const pairs = new Map<string, { production: string; shadow: string; totals: Totals }>();
  for await (const record of records.each({ model, ...range, status: 'succeeded' })) {
    if (!record.shadow || !record.modelVersion) continue;
    const key = `${record.modelVersion} ${record.shadow.version}`;
    let pair = pairs.get(key);
    if (!pair) {
      const totals: Totals = { requests: 0, failed: 0, sum: { compared: 0, scoreDifferenceSum: 0, scoreDifferences: 0 } };
      pair = { production: record.modelVersion, shadow: record.shadow.version, totals };
      pairs.set(key, pair);
    }
    pair.totals.requests += 1;
    if (record.shadow.comparison) add(pair.totals, record.shadow.comparison);
    else pair.totals.failed += 1;
  }
  const agreement = [...pairs.values()]
    .sort((a, b) => b.totals.requests - a.totals.requests)
    .map((pair) => figures(pair.production, pair.shadow, pair.totals));
  return { model, window: range, ...(shadow && { shadow }), agreement };
}
