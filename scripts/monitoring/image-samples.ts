/**
 * Pictures of an image model's evaluation set read through the serving path (preprocessing as the spec says, ONNX
 * Runtime, post-processing) with the statistics a prediction records for drift (#24): what its baseline is built
 * from (scripts/monitoring/baselines.ts), and what the drift simulations draw their windows from
 * (tests/accuracy/image-drift.test.ts), as they are or darkened.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { PredictionResult } from '../../functions/records/results';
import { runModel } from '../../functions/serving/inference/run-model';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { imageInputOf } from '../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { imageStatistics, type ImageStatistics } from '../../functions/serving/preprocessing/image-stats';
import type { ModelVersion } from '../../functions/serving/registry';
import { validationFrames, type FrameRangeSplit } from '../evaluation/car-dataset';
import { heldOutDigits, renderMnistPng, type SplitRule } from '../samples/mnist';

export interface ImageSample {
  statistics: ImageStatistics;
  result: PredictionResult;
}

/** A model's evaluation pictures, each made when needed, and what a baseline built on them says it is. */
export function evaluationPictures(model: ModelVersion): { pictures: Array<() => Promise<Uint8Array>>; data: string } {
  const { name, training } = model.metadata;
  if (name === 'digits') {
    const digits = heldOutDigits(training.data.split as unknown as SplitRule);
    return {
      pictures: digits.map((digit) => () => renderMnistPng(digit)),
      data: `the ${digits.length} held-out MNIST digits of models/digits/train.py (training.data.split), never trained on, as 28×28 PNG`,
    };
  }
  if (name === 'car-detector') {
    const frames = validationFrames(training.data.split as unknown as FrameRangeSplit);
    return {
      pictures: frames.map((frame) => async () => readFileSync(frame.path)),
      data: `the ${frames.length} validation frames of models/car-detector/train.py (training.data.split.validationRanges), never trained on`,
    };
  }
  throw new Error(`No evaluation pictures are known for ${name}.`);
}

/** The picture with every grey level multiplied by `factor` (0.3: a camera at dusk), in its own format. */
export async function darken(bytes: Uint8Array, factor: number): Promise<Uint8Array> {
  const image = sharp(bytes);
  const { format } = await image.metadata();
  return image
    .linear(factor, 0)
    .toFormat(format === 'png' ? 'png' : 'jpeg')
    .toBuffer();
}

const sessions = new SessionCache();

export async function scorePictures(
  model: ModelVersion,
  pictures: ReadonlyArray<() => Promise<Uint8Array>>,
  transform: (bytes: Uint8Array) => Promise<Uint8Array> = async (bytes) => bytes,
): Promise<ImageSample[]> {
  const samples: ImageSample[] = [];
  for (const picture of pictures) {
    const bytes = await transform(await picture());
    const prepared = await preprocessImage(bytes, imageInputOf(model.metadata), DEFAULT_DECODE_LIMITS);
    const { result } = await runModel(sessions, model, prepared.tensor, prepared.letterbox);
    samples.push({
      statistics: await imageStatistics(bytes, prepared, DEFAULT_DECODE_LIMITS),
      result: result as PredictionResult,
    });
  }
  return samples;
}
