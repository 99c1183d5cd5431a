import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ClassificationResult, DetectionResult } from '../../functions/records/results';
import { runModel } from '../../functions/serving/inference/run-model';
import { inkSegmenterOf } from '../../functions/serving/inference/ink-segmenter';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { DEFAULT_DECODE_LIMITS, preprocessImage, type Tensor } from '../../functions/serving/preprocessing';
import { finalAnswer } from '../../functions/serving/second-look';
import type { ModelVersion } from '../../functions/serving/registry';
import { heldOutDigits, renderMnistPng, type SplitRule } from '../samples/mnist';
import { validationFrames, type FrameRangeSplit } from './car-dataset';
import { cocoAveragePrecision, cocoBySize } from './coco-metrics';
import { averagePrecision, precisionRecall, type ScoredBox } from './detection-metrics';
import { imageInputOf } from '../../functions/serving/model-spec';

const LIMITS = DEFAULT_DECODE_LIMITS;
/** Detections down to this score feed the precision-recall curve behind AP, as in the VOC protocol. */
const AP_SCORE_FLOOR = 0.05;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

export interface Timings {
  /** ONNX Runtime `session.run` alone, per input. */
  inferenceMsMedian: number;
  /** Bytes → preprocessing → session → post-processing, in process, per input. */
  endToEndMsMedian: number;
}

export type Progress = (done: number, total: number) => void;

/**
 * Runs the serving path (sharp preprocessing from the spec, ONNX Runtime, post-processing) in process over
 * `inputs`, returning each result with its timings.
 */
async function servingPath<R>(model: ModelVersion, inputs: Array<() => Promise<Uint8Array>>, progress?: Progress) {
  const sessions = new SessionCache();
  const results: R[] = [];
  const inference: number[] = [];
  const endToEnd: number[] = [];
  for (const [i, load] of inputs.entries()) {
    const bytes = await load();
    const started = performance.now();
    const prepared = await preprocessImage(bytes, imageInputOf(model.metadata), LIMITS, inkSegmenterOf(model));
    const answer = await runModel(sessions, model, prepared.tensor, prepared.letterbox);
    const again = async (tensor: Tensor) => (await runModel(sessions, model, tensor)).result;
    const result = await finalAnswer(answer.result, prepared, model, again);
    endToEnd.push(performance.now() - started);
    inference.push(answer.inferenceMs);
    results.push(result as R);
    progress?.(i + 1, inputs.length);
  }
  // The first call pays for creating the session: leave it out of the per-input figures.
  const timings: Timings = { inferenceMsMedian: median(inference.slice(1)), endToEndMsMedian: median(endToEnd.slice(1)) };
  return { results, timings };
}

export async function evaluateDetector(model: ModelVersion, progress?: Progress) {
  const { output, training } = model.metadata;
  if (output.kind !== 'detection') throw new Error(`${model.metadata.name} is not a detector.`);
  const frames = validationFrames(training.data.split as unknown as FrameRangeSplit);
  const lowFloor: ModelVersion = {
    ...model,
    metadata: { ...model.metadata, output: { ...output, scoreThreshold: AP_SCORE_FLOOR } },
  };
  const { results, timings } = await servingPath<DetectionResult>(
    lowFloor,
    frames.map((frame) => async () => readFileSync(frame.path)),
    progress,
  );
  const truth = new Map(frames.map((frame) => [frame.file, frame.boxes]));
  const detections: ScoredBox[] = results.flatMap((result, i) =>
    result.detections.map((d) => ({ image: frames[i]!.file, ...d })),
  );
  const atThreshold = precisionRecall(detections, truth, output.scoreThreshold);
  const coco = cocoAveragePrecision(detections, truth);
  return {
    mAP50: averagePrecision(detections, truth),
    // COCO-style (101-point AP, best unmatched box): how tightly the boxes fit, not only whether they are found.
    mAP50to95: coco.mAP,
    apByIoU: coco.apByIoU,
    bySize: cocoBySize(detections, truth),
    precision: atThreshold.precision,
    recall: atThreshold.recall,
    scoreThreshold: output.scoreThreshold,
    images: frames.length,
    boxes: [...truth.values()].reduce((n, boxes) => n + boxes.length, 0),
    ...timings,
  };
}

export async function evaluateClassifier(model: ModelVersion, progress?: Progress) {
  const split = model.metadata.training.data.split as unknown as SplitRule;
  const samples = heldOutDigits(split);
  const { results, timings } = await servingPath<ClassificationResult>(
    model,
    samples.map((sample) => () => renderMnistPng(sample)),
    progress,
  );
  const correct = results.filter((result, i) => result.label === samples[i]!.label).length;
  return { accuracy: correct / samples.length, count: samples.length, ...timings };
}
