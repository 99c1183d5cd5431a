import { performance } from 'node:perf_hooks';
import { InvalidInputError } from '../errors';
import { ort } from '../native/onnxruntime';
import type { Tensor } from '../preprocessing';
import type { ModelVersion } from '../registry';
import { classify, type ClassificationResult } from './postprocess';
import type { SessionCache } from './sessions';

export interface ModelAnswer {
  result: ClassificationResult;
  inferenceMs: number;
}

/** The tensor must be exactly what the spec declares: a wrong shape or a NaN never reaches the runtime. */
export function checkTensor(tensor: Tensor, model: ModelVersion): void {
  const { channels, height, width } = model.metadata.input;
  const expected = [1, channels, height, width];
  if (tensor.dims.length !== 4 || tensor.dims.some((dim, i) => dim !== expected[i])) {
    throw new InvalidInputError('tensor-shape', `Expected a tensor of shape [${expected}], got [${tensor.dims}].`);
  }
  if (tensor.data.length !== channels * height * width) {
    throw new InvalidInputError('tensor-shape', `Expected ${channels * height * width} values, got ${tensor.data.length}.`);
  }
  for (const value of tensor.data) {
    if (!Number.isFinite(value)) throw new InvalidInputError('tensor-values', 'The tensor holds a non-finite value.');
  }
}

export async function runModel(sessions: SessionCache, model: ModelVersion, tensor: Tensor): Promise<ModelAnswer> {
  checkTensor(tensor, model);
  const session = await sessions.get(model);
  const { input, output } = model.metadata;
  const started = performance.now();
  const outputs = await session.run({ [input.tensorName]: new ort.Tensor('float32', tensor.data, tensor.dims) });
  const inferenceMs = performance.now() - started;
  const scores = outputs[output.tensorName];
  if (!scores) throw new Error(`The model has no output named '${output.tensorName}'.`);
  return { result: classify(scores.data as Float32Array, output), inferenceMs };
}
