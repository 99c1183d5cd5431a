import type { Box, DetectionResult } from '../../records/results';
import type { DetectionOutputSpec } from '../model-spec';
import type { LetterboxGeometry } from '../preprocessing';

export interface Candidate {
  score: number;
  box: Box;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Dense heads → candidate boxes in tensor pixels. `scores` is [1,1,gh,gw] and `boxes` [1,4,gh,gw], planar: the
 * cell (i, j) has centre ((j+½)·stride, (i+½)·stride) and its box edges l, t, r, b stride units away from it.
 */
export function decodeDetections(
  scores: ArrayLike<number>,
  boxes: ArrayLike<number>,
  grid: { height: number; width: number },
  spec: DetectionOutputSpec,
): Candidate[] {
  const cells = grid.height * grid.width;
  if (scores.length !== cells || boxes.length !== 4 * cells) {
    throw new Error(`Detection heads do not match a ${grid.width}×${grid.height} grid.`);
  }
  const candidates: Candidate[] = [];
  for (let cell = 0; cell < cells; cell += 1) {
    const raw = scores[cell] ?? -Infinity;
    const score = spec.scoreActivation === 'sigmoid' ? sigmoid(raw) : raw;
    if (score < spec.scoreThreshold) continue;
    const cx = ((cell % grid.width) + 0.5) * spec.stride;
    const cy = (Math.floor(cell / grid.width) + 0.5) * spec.stride;
    const [l, t, r, b] = [0, 1, 2, 3].map((k) => (boxes[k * cells + cell] ?? 0) * spec.stride) as [
      number,
      number,
      number,
      number,
    ];
    candidates.push({ score, box: { xmin: cx - l, ymin: cy - t, xmax: cx + r, ymax: cy + b } });
  }
  return candidates;
}

export function iou(a: Box, b: Box): number {
  const w = Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin);
  const h = Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (box: Box) => Math.max(0, box.xmax - box.xmin) * Math.max(0, box.ymax - box.ymin);
  return inter / (area(a) + area(b) - inter);
}

/** Greedy non-maximum suppression: highest score first, dropping boxes that overlap a kept one by > `threshold`. */
export function nms<T extends Candidate>(candidates: T[], threshold: number, max: number): T[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (kept.length >= max) break;
    if (kept.every((other) => iou(other.box, candidate.box) <= threshold)) kept.push(candidate);
  }
  return kept;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Undoes the letterbox: tensor pixels → picture pixels, clamped to the picture. */
export function toSourcePixels(box: Box, geometry: LetterboxGeometry): Box {
  const x = (value: number) => round2(Math.min(Math.max((value - geometry.padX) / geometry.scale, 0), geometry.sourceWidth));
  const y = (value: number) => round2(Math.min(Math.max((value - geometry.padY) / geometry.scale, 0), geometry.sourceHeight));
  return { xmin: x(box.xmin), ymin: y(box.ymin), xmax: x(box.xmax), ymax: y(box.ymax) };
}

/** The candidates a detector keeps, in tensor pixels: decoded, then suppressed (what a box refiner may place again). */
export function keptCandidates(
  scores: ArrayLike<number>,
  boxes: ArrayLike<number>,
  grid: { height: number; width: number },
  spec: DetectionOutputSpec,
): Candidate[] {
  return nms(decodeDetections(scores, boxes, grid, spec), spec.nmsIou, spec.maxDetections);
}

/** Kept candidates as the answer: labelled, scores rounded, boxes in the picture's pixels. */
export function detectionResult(kept: Candidate[], spec: DetectionOutputSpec, geometry: LetterboxGeometry): DetectionResult {
  const label = spec.labels[0] ?? 'object';
  return {
    detections: kept
      .map((candidate) => ({
        label,
        score: Math.round(candidate.score * 1e4) / 1e4,
        box: toSourcePixels(candidate.box, geometry),
      }))
      .filter(({ box }) => box.xmax > box.xmin && box.ymax > box.ymin),
  };
}
