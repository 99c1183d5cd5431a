/**
 * COCO-style box AP (the protocol of pycocotools' COCOeval for one class and bounding boxes): at each IoU
 * threshold 0.50, 0.55, …, 0.95, detections of an image, best score first (at most 100 per image), take the
 * unmatched ground-truth box they overlap most (IoU ≥ threshold); precision is read at 101 recall points off its
 * monotone envelope; mAP@0.5:0.95 is the mean over the ten thresholds. Per box size, ground truths outside the
 * size range are ignored (a detection matched to one counts neither way), as are unmatched detections outside it.
 */
import type { Box } from '../../functions/records/results';
import { iou } from '../../functions/serving/inference/detection';
import type { ScoredBox } from './detection-metrics';

export const COCO_IOU_THRESHOLDS = Array.from({ length: 10 }, (_, i) => Math.round((0.5 + 0.05 * i) * 100) / 100);
const RECALL_POINTS = Array.from({ length: 101 }, (_, i) => i / 100);
const MAX_PER_IMAGE = 100;

/** COCO's size ranges by box area in the picture's pixels: small < 32², medium < 96², large the rest. */
export const COCO_SIZES = { small: [0, 32 ** 2], medium: [32 ** 2, 96 ** 2], large: [96 ** 2, Infinity] } as const;
export type CocoSize = keyof typeof COCO_SIZES;

const area = (box: Box) => Math.max(0, box.xmax - box.xmin) * Math.max(0, box.ymax - box.ymin);

interface Ranked {
  score: number;
  /** Per IoU threshold: 1 true positive, 0 false positive, -1 ignored. */
  outcome: number[];
}

/** Matches one image's detections at every threshold, for ground truths of area in [lo, hi). */
function matchImage(detections: ScoredBox[], truth: Box[], [lo, hi]: readonly [number, number]): Ranked[] {
  const inRange = (box: Box) => area(box) >= lo && area(box) < hi;
  // Ground truths in range first, so a detection prefers them (as COCOeval sorts ignored ones last).
  const gts = [...truth].sort((a, b) => Number(!inRange(a)) - Number(!inRange(b)));
  const ignoredGt = gts.map((box) => !inRange(box));
  const ranked = [...detections].sort((a, b) => b.score - a.score).slice(0, MAX_PER_IMAGE);
  const overlaps = ranked.map((d) => gts.map((g) => iou(g, d.box)));
  const outcomes = ranked.map(() => [] as number[]);
  for (const threshold of COCO_IOU_THRESHOLDS) {
    const taken = gts.map(() => false);
    ranked.forEach((detection, d) => {
      let best = -1;
      let bestIou = Math.min(threshold, 1 - 1e-10);
      gts.forEach((_, g) => {
        if (taken[g]) return;
        // Once matched to a ground truth in range, an ignored one (sorted after) cannot replace it.
        if (best >= 0 && !ignoredGt[best] && ignoredGt[g]) return;
        const overlap = overlaps[d]![g]!;
        if (overlap < bestIou) return;
        best = g;
        bestIou = overlap;
      });
      if (best >= 0) taken[best] = true;
      const ignored = best >= 0 ? ignoredGt[best]! : !inRange(detection.box);
      outcomes[d]!.push(ignored ? -1 : best >= 0 ? 1 : 0);
    });
  }
  return ranked.map((d, i) => ({ score: d.score, outcome: outcomes[i]! }));
}

/** 101-point interpolated AP of detections ranked best score first. */
function interpolatedAp(ranked: Ranked[], k: number, total: number): number {
  if (total === 0) return NaN;
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const { outcome } of ranked) {
    const o = outcome[k]!;
    if (o < 0) continue;
    if (o === 1) tp += 1;
    else fp += 1;
    recall.push(tp / total);
    precision.push(tp / (tp + fp));
  }
  for (let i = precision.length - 2; i >= 0; i -= 1) precision[i] = Math.max(precision[i]!, precision[i + 1]!);
  let sum = 0;
  let i = 0;
  for (const point of RECALL_POINTS) {
    while (i < recall.length && recall[i]! < point) i += 1;
    sum += i < recall.length ? precision[i]! : 0;
  }
  return sum / RECALL_POINTS.length;
}

export interface CocoFigures {
  /** mAP@0.5:0.95: the mean AP over the ten IoU thresholds. */
  mAP: number;
  /** [IoU threshold, AP] for 0.50, 0.55, …, 0.95. */
  apByIoU: Array<[number, number]>;
  boxes: number;
}

/** COCO-style AP of the detections against the truth, for ground truths of area in `range` (all by default). */
export function cocoAveragePrecision(
  detections: ScoredBox[],
  truth: Map<string, Box[]>,
  range: readonly [number, number] = [0, Infinity],
): CocoFigures {
  const byImage = new Map<string, ScoredBox[]>();
  for (const d of detections) byImage.set(d.image, [...(byImage.get(d.image) ?? []), d]);
  const images = new Set([...truth.keys(), ...byImage.keys()]);
  // Stable over the images' order, best score first, as COCOeval's merge sort.
  const ranked = [...images]
    .flatMap((image) => matchImage(byImage.get(image) ?? [], truth.get(image) ?? [], range))
    .sort((a, b) => b.score - a.score);
  const boxes = [...truth.values()].flat().filter((b) => area(b) >= range[0] && area(b) < range[1]).length;
  const apByIoU = COCO_IOU_THRESHOLDS.map((t, k): [number, number] => [t, interpolatedAp(ranked, k, boxes)]);
  return { mAP: apByIoU.reduce((s, [, ap]) => s + ap, 0) / apByIoU.length, apByIoU, boxes };
}

/** COCO's AP, AP50 and AP75 per box size (NaN where the truth has no box of that size, as COCOeval's -1). */
export function cocoBySize(detections: ScoredBox[], truth: Map<string, Box[]>) {
  return Object.fromEntries(
    Object.entries(COCO_SIZES).map(([size, range]) => {
      const { mAP, apByIoU, boxes } = cocoAveragePrecision(detections, truth, range);
      return [size, { boxes, mAP, AP50: apByIoU[0]![1], AP75: apByIoU[5]![1] }];
    }),
  ) as Record<CocoSize, { boxes: number; mAP: number; AP50: number; AP75: number }>;
}
