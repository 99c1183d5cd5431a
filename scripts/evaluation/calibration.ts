/**
 * Calibration figures of a classifier on an evaluation set: expected calibration error, and the confidence
 * threshold under which answers are marked uncertain.
 */
export interface Scored {
  confidence: number;
  correct: boolean;
}

/** Expected calibration error over `bins` equal-width confidence bins: Σ (n_b / n) · |accuracy_b − confidence_b|. */
export function expectedCalibrationError(scored: Scored[], bins = 10): number {
  const sums = Array.from({ length: bins }, () => ({ n: 0, confidence: 0, correct: 0 }));
  for (const { confidence, correct } of scored) {
    const bin = sums[Math.min(bins - 1, Math.floor(confidence * bins))]!;
    bin.n += 1;
    bin.confidence += confidence;
    bin.correct += correct ? 1 : 0;
  }
  return sums.reduce((ece, b) => (b.n ? ece + (b.n / scored.length) * Math.abs(b.correct / b.n - b.confidence / b.n) : ece), 0);
}

/**
 * The lowest confidence threshold (on a 0.01 grid) at which the answers kept (confidence ≥ threshold) are right
 * at least `target` of the time: below it, an answer is more often wrong than the model's users accept.
 */
export function uncertaintyThreshold(scored: Scored[], target: number): number {
  for (let step = 0; step <= 100; step += 1) {
    const threshold = step / 100;
    const kept = scored.filter((s) => s.confidence >= threshold);
    if (kept.length === 0 || kept.filter((s) => s.correct).length / kept.length >= target) return threshold;
  }
  return 1;
}
