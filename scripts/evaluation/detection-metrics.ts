import type { Box } from '../../functions/records/results';
import { iou } from '../../functions/serving/inference/detection';

export interface ScoredBox {
  image: string;
  score: number;
  box: Box;
}

/**
 * Marks each detection, best score first over all images, as a true positive when it overlaps an unmatched
 * ground-truth box of its image by IoU ≥ `threshold`; a second detection of the same box is a false positive.
 */
function matchDetections(detections: ScoredBox[], truth: Map<string, Box[]>, threshold: number) {
  const matched = new Map([...truth].map(([image, boxes]) => [image, boxes.map(() => false)]));
  return [...detections]
    .sort((a, b) => b.score - a.score)
    .map((detection) => {
      const boxes = truth.get(detection.image) ?? [];
      let best = -1;
      let bestIou = threshold;
      boxes.forEach((box, i) => {
        const overlap = iou(box, detection.box);
        if (overlap >= bestIou) {
          best = i;
          bestIou = overlap;
        }
      });
      const flags = matched.get(detection.image);
      const truePositive = best >= 0 && flags !== undefined && !flags[best];
      if (truePositive) flags[best] = true;
      return { score: detection.score, truePositive };
    });
}

const countBoxes = (truth: Map<string, Box[]>) => [...truth.values()].reduce((n, boxes) => n + boxes.length, 0);

/** VOC average precision with all-point interpolation: the area under the monotone precision envelope. */
export function averagePrecision(detections: ScoredBox[], truth: Map<string, Box[]>, iouThreshold = 0.5): number {
  const total = countBoxes(truth);
  if (total === 0) return 0;
  const ranked = matchDetections(detections, truth, iouThreshold);
  const recall = [0];
  const precision = [0];
  let tp = 0;
  ranked.forEach((d, i) => {
    if (d.truePositive) tp += 1;
    recall.push(tp / total);
    precision.push(tp / (i + 1));
  });
  recall.push(1);
  precision.push(0);
  for (let i = precision.length - 2; i >= 0; i -= 1) precision[i] = Math.max(precision[i] ?? 0, precision[i + 1] ?? 0);
  let ap = 0;
  for (let i = 1; i < recall.length; i += 1) ap += ((recall[i] ?? 0) - (recall[i - 1] ?? 0)) * (precision[i] ?? 0);
  return ap;
}

/** Precision and recall of the detections scoring at least `scoreThreshold`. */
export function precisionRecall(detections: ScoredBox[], truth: Map<string, Box[]>, scoreThreshold: number, iouThreshold = 0.5) {
  const kept = detections.filter((d) => d.score >= scoreThreshold);
  const tp = matchDetections(kept, truth, iouThreshold).filter((d) => d.truePositive).length;
  return {
    precision: kept.length ? tp / kept.length : 1,
    recall: countBoxes(truth) ? tp / countBoxes(truth) : 1,
    truePositives: tp,
  };
}
