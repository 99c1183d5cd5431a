import type { ClassificationResult, PredictionResult } from '../../records/results';
import type { ClassificationOutputSpec } from '../model-spec';

/** Rounded so records and answers stay short; 6 decimals keep every ranking the model made. */
const round = (value: number) => Math.round(value * 1e6) / 1e6;

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i += 1) max = Math.max(max, logits[i] ?? -Infinity);
  const exps = Array.from(logits, (value) => Math.exp(value - max));
  const sum = exps.reduce((acc, value) => acc + value, 0);
  return exps.map((value) => value / sum);
}

/**
 * The model's answer; marked uncertain, with why, when the input was empty or the confidence is under the
 * threshold the model's spec calibrated (`uncertainBelow`).
 */
export function classify(scores: ArrayLike<number>, spec: ClassificationOutputSpec, emptyInput = false): ClassificationResult {
  if (scores.length !== spec.labels.length) {
    throw new Error(`The model gave ${scores.length} scores for ${spec.labels.length} labels.`);
  }
  const probabilities = spec.activation === 'softmax' ? softmax(scores) : Array.from(scores);
  let best = 0;
  probabilities.forEach((p, i) => {
    if (p > (probabilities[best] ?? -Infinity)) best = i;
  });
  const confidence = round(probabilities[best] ?? 0);
  const answer: ClassificationResult = {
    label: spec.labels[best] ?? String(best),
    confidence,
    probabilities: Object.fromEntries(spec.labels.map((label, i) => [label, round(probabilities[i] ?? 0)])),
  };
  if (spec.uncertainBelow === undefined) return answer;
  if (emptyInput) return { ...answer, uncertain: true, reason: 'nothing-found' };
  if (confidence < spec.uncertainBelow) return { ...answer, uncertain: true, reason: 'low-confidence' };
  return answer;
}

/**
 * The answer on a digit its page preprocessing found only by looser rules (`unclearWriting`), or with more ink than
 * the page spec trusts an answer of its label on (`maxInkPixels`, against the fitted digit's `inkPixels`): uncertain,
 * whatever its confidence, as such readings are wrong more often; an answer already uncertain keeps its own reason.
 */
export function withInputDoubt(
  result: PredictionResult,
  prepared: { unclearWriting?: true; inkPixels?: number },
  maxInkPixels?: Record<string, number>,
): PredictionResult {
  if (!('label' in result) || result.uncertain) return result;
  const limit = maxInkPixels?.[result.label];
  const tooMuchInk = limit !== undefined && prepared.inkPixels !== undefined && prepared.inkPixels > limit;
  if (!prepared.unclearWriting && !tooMuchInk) return result;
  return { ...result, uncertain: true, reason: 'unclear-writing' };
}

/**
 * One answer from several readings of the same picture (a second look, serving/second-look.ts): the mean of their
 * probabilities, its best label and confidence, and how many readings it is the mean of. The uncertain flag and its
 * reason stay the first reading's: a second look picks the label better, it does not make the answer surer (chosen
 * on the development set: answers flagged by their own readings' mean confidence made more confident mistakes).
 */
export function meanOfReadings(first: ClassificationResult, others: ClassificationResult[]): ClassificationResult {
  if (others.length === 0) return first;
  const readings = [first, ...others];
  const labels = Object.keys(first.probabilities);
  const mean = labels.map((label) => readings.reduce((sum, r) => sum + (r.probabilities[label] ?? 0), 0) / readings.length);
  let best = 0;
  mean.forEach((p, i) => {
    if (p > mean[best]!) best = i;
  });
  const { uncertain, reason } = first;
  return {
    label: labels[best]!,
    confidence: round(mean[best]!),
    probabilities: Object.fromEntries(labels.map((label, i) => [label, round(mean[i]!)])),
    ...(uncertain && { uncertain, reason }),
    readings: readings.length,
  };
}
