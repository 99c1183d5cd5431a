import { readFileSync } from 'node:fs';
import { validationFrames, type FrameRangeSplit } from '../evaluation/car-dataset';
import { heldOutDigitsOf, renderMnistPng } from '../mnist-samples';
import type { ModelVersion } from '../../functions/shared/registry';

/** Real inputs each model sees in production: held-out MNIST renders, and dashcam frames of the validation range. */
export async function benchInputs(model: ModelVersion, count: number): Promise<Buffer[]> {
  if (model.metadata.name === 'digits') {
    const digits = heldOutDigitsOf(model.metadata.version);
    // Spread over the classes: the held-out list is sorted by digit.
    const step = Math.max(1, Math.floor(digits.length / count));
    return Promise.all(
      digits
        .filter((_, i) => i % step === 0)
        .slice(0, count)
        .map(renderMnistPng),
    );
  }
  const split = model.metadata.training.data.split as unknown as FrameRangeSplit;
  const frames = validationFrames(split);
  const step = Math.max(1, Math.floor(frames.length / count));
  return frames
    .filter((_, i) => i % step === 0)
    .slice(0, count)
    .map((frame) => readFileSync(frame.path));
}
