import type { Detection, PredictionResult, RowResult } from '../records/results';
import type { ShadowComparison } from '../records/shadow-outputs';
import { iou } from './inference/detection';

/** A box of one version matches a box of the other when they have the same label and overlap by this much. */
export const MATCH_IOU = 0.5;

type Answer = PredictionResult | RowResult;

/**
 * Pairs production's boxes with the shadow's, best overlap first (each box used once): the matched pairs, with
 * their IoU and their score difference.
 */
function matchBoxes(production: Detection[], shadow: Detection[]) {
  const pairs: Array<{ i: number; j: number; overlap: number }> = [];
  production.forEach((p, i) =>
    shadow.forEach((s, j) => {
      const overlap = p.label === s.label ? iou(p.box, s.box) : 0;
      if (overlap >= MATCH_IOU) pairs.push({ i, j, overlap });
    }),
  );
  pairs.sort((a, b) => b.overlap - a.overlap);
  const usedP = new Set<number>();
  const usedS = new Set<number>();
  const matched: Array<{ overlap: number; scoreDifference: number }> = [];
  for (const { i, j, overlap } of pairs) {
    if (usedP.has(i) || usedS.has(j)) continue;
    usedP.add(i);
    usedS.add(j);
    matched.push({ overlap, scoreDifference: Math.abs(production[i]!.score - shadow[j]!.score) });
  }
  return matched;
}

/** The comparable score of one answer, given production's (a classifier compares the probability of production's label). */
function score(answer: Answer, production: Answer): number | undefined {
  if ('probabilities' in answer && 'label' in production) return answer.probabilities[production.label] ?? 0;
  if ('score' in answer) return answer.score;
  if ('value' in answer) return answer.value;
  return undefined;
}

function label(answer: Answer): string | number | undefined {
  if ('label' in answer) return answer.label;
  if ('anomaly' in answer) return answer.anomaly;
  return undefined;
}

/**
 * Production's answers against the shadow's, position by position (a row, or the one picture): rows either
 * version refused are left out. The figures are sums, so a window adds up its records.
 */
export function compareAnswers(production: Array<Answer | null>, shadow: Array<Answer | null>): ShadowComparison {
  const comparison: ShadowComparison = { compared: 0, scoreDifferenceSum: 0, scoreDifferences: 0 };
  production.forEach((p, index) => {
    const s = shadow[index];
    if (!p || !s) return;
    comparison.compared += 1;
    if ('detections' in p && 'detections' in s) {
      const matched = matchBoxes(p.detections, s.detections);
      const boxes = (comparison.boxes ??= { production: 0, shadow: 0, matched: 0, iouSum: 0, sameCount: 0 });
      boxes.production += p.detections.length;
      boxes.shadow += s.detections.length;
      boxes.matched += matched.length;
      boxes.iouSum += matched.reduce((sum, m) => sum + m.overlap, 0);
      boxes.sameCount += p.detections.length === s.detections.length ? 1 : 0;
      comparison.scoreDifferenceSum += matched.reduce((sum, m) => sum + m.scoreDifference, 0);
      comparison.scoreDifferences += matched.length;
      return;
    }
    const labels = [label(p), label(s)];
    if (labels[0] !== undefined) comparison.sameLabel = (comparison.sameLabel ?? 0) + (labels[0] === labels[1] ? 1 : 0);
    const scores = [score(p, p), score(s, p)];
    if (scores[0] !== undefined && scores[1] !== undefined) {
      comparison.scoreDifferenceSum += Math.abs(scores[0] - scores[1]);
      comparison.scoreDifferences += 1;
    }
  });
  return comparison;
}
