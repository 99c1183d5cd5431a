/** SKAB's point-wise figures for a binary anomaly detector, from per-row labels and predictions (1 = anomalous). */
export interface AnomalyFigures {
  f1: number;
  /** False-alarm rate: normal rows flagged, over all normal rows. */
  far: number;
  /** Missed-alarm rate: anomalous rows not flagged, over all anomalous rows. */
  mar: number;
  rows: number;
  anomalousRows: number;
}

/** Counts of one file or of several pooled, so a pooled figure weighs every row once (as SKAB pools its files). */
export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export function confusion(labels: ArrayLike<number>, predictions: ArrayLike<number>): Confusion {
  if (labels.length !== predictions.length) throw new Error('labels and predictions differ in length');
  const counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < labels.length; i += 1) {
    const truth = labels[i] === 1;
    const flagged = predictions[i] === 1;
    if (truth && flagged) counts.tp += 1;
    else if (flagged) counts.fp += 1;
    else if (truth) counts.fn += 1;
    else counts.tn += 1;
  }
  return counts;
}

export const pooled = (parts: Confusion[]): Confusion =>
  parts.reduce((a, b) => ({ tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, tn: a.tn + b.tn }), {
    tp: 0,
    fp: 0,
    fn: 0,
    tn: 0,
  });

export function anomalyFigures({ tp, fp, fn, tn }: Confusion): AnomalyFigures {
  const errors = tp + fp + fn;
  return {
    f1: errors === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn),
    far: fp + tn === 0 ? 0 : fp / (fp + tn),
    mar: fn + tp === 0 ? 0 : fn / (fn + tp),
    rows: tp + fp + fn + tn,
    anomalousRows: tp + fn,
  };
}
