import type { evaluateDetector } from './evaluate';

export type DetectorFigures = Awaited<ReturnType<typeof evaluateDetector>>;

const row = (label: string, values: string[]) => `${label.padEnd(22)}${values.map((v) => v.padStart(10)).join('')}`;

/**
 * Two detector versions' validation figures side by side (`vigie eval car-detector <version> --against <other>`):
 * AP at each IoU of the COCO protocol, its mean, the VOC mAP@0.5, precision and recall at each one's threshold, and
 * the time a frame took in process — the before/after table issue #27 asks a new version for.
 */
export function detectorComparison(before: DetectorFigures, after: DetectorFigures, versions: [string, string]): string[] {
  const both = (pick: (f: DetectorFigures) => number, digits = 3) => [pick(before).toFixed(digits), pick(after).toFixed(digits)];
  const apAt = (f: DetectorFigures, iou: number) => f.apByIoU.find(([t]) => t === iou)?.[1] ?? Number.NaN;
  return [
    row('', versions),
    ...before.apByIoU.map(([iou]) =>
      row(
        `AP at IoU ${iou.toFixed(2)}`,
        both((f) => apAt(f, iou)),
      ),
    ),
    row(
      'mAP@0.5:0.95 (COCO)',
      both((f) => f.mAP50to95),
    ),
    row(
      'mAP@0.5 (VOC)',
      both((f) => f.mAP50),
    ),
    row(
      'precision',
      both((f) => f.precision),
    ),
    row(
      'recall',
      both((f) => f.recall),
    ),
    row(
      'at score threshold',
      both((f) => f.scoreThreshold),
    ),
    row(
      'frame, end to end (ms)',
      both((f) => f.endToEndMsMedian, 1),
    ),
    row(
      'model run (ms)',
      both((f) => f.inferenceMsMedian, 1),
    ),
    '',
    `${after.images} validation frames, ${after.boxes} boxes, through the serving path; medians of the in-process times.`,
  ];
}
