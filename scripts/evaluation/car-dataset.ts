/**
 * The car object detection dataset, read where it lives (`../shared/datasets/car-object-detection`, never
 * copied into the repository), split as the model's metadata says.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Box } from '../../functions/records/results';

export const CAR_DATASET_DIR = resolve(process.env.VIGIE_CAR_DATASET_DIR ?? '../shared/datasets/car-object-detection');

export interface FrameRangeSplit {
  method: 'frame-ranges';
  /** Inclusive [first, last] frame numbers. */
  validationRanges: Array<[number, number]>;
}

export interface LabelledFrame {
  file: string;
  path: string;
  frame: number;
  boxes: Box[];
}

export const frameNumber = (file: string) => Number(/_(\d+)\.jpg$/.exec(file)?.[1] ?? NaN);

export function carDatasetAvailable(dir = CAR_DATASET_DIR): boolean {
  return existsSync(join(dir, 'train_solution_bounding_boxes.csv'));
}

/** Every labelled training frame (frames with no box are negatives, with an empty list). */
export function labelledFrames(dir = CAR_DATASET_DIR): LabelledFrame[] {
  const boxes = new Map<string, Box[]>();
  const lines = readFileSync(join(dir, 'train_solution_bounding_boxes.csv'), 'utf8').split(/\r?\n/).slice(1);
  for (const line of lines.filter((l) => l.trim())) {
    const [file, xmin, ymin, xmax, ymax] = line.split(',');
    if (!file) continue;
    const list = boxes.get(file) ?? [];
    list.push({ xmin: Number(xmin), ymin: Number(ymin), xmax: Number(xmax), ymax: Number(ymax) });
    boxes.set(file, list);
  }
  return readdirSync(join(dir, 'training_images'))
    .filter((file) => file.endsWith('.jpg'))
    .sort()
    .map((file) => ({ file, path: join(dir, 'training_images', file), frame: frameNumber(file), boxes: boxes.get(file) ?? [] }));
}

export function validationFrames(split: FrameRangeSplit, dir = CAR_DATASET_DIR): LabelledFrame[] {
  if (split.method !== 'frame-ranges') throw new Error(`Unknown split method ${split.method}`);
  return labelledFrames(dir).filter(({ frame }) =>
    split.validationRanges.some(([first, last]) => frame >= first && frame <= last),
  );
}
