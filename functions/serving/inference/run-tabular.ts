import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import { InvalidInputError } from '../../platform/errors';
import type { ModelMetadata } from '../model-spec';
import { ort } from '../../platform/native/onnxruntime';
import type { ModelVersion } from '../registry';
import type { FloatTensor } from '../preprocessing/tensor';
import { classify } from './postprocess';
import type { RowResult } from '../../records/results';
import type { SessionCache } from './sessions';

export interface TabularAnswer {
  /** One per row of the tensor's batch dimension, in order. */
  results: RowResult[];
  inferenceMs: number;
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

function rowResults(output: InferenceSession.OnnxValueMapType[string], spec: ModelMetadata['output'], rows: number) {
  const data = output.data as Float32Array;
  const width = rows === 0 ? 0 : data.length / rows;
  if (!Number.isInteger(width) || (spec.kind !== 'classification' && width !== 1)) {
    throw new Error(`The model answered ${data.length} values for ${rows} rows.`);
  }
  const results: RowResult[] = new Array(rows);
  for (let i = 0; i < rows; i += 1) {
    if (spec.kind === 'classification') {
      results[i] = classify(data.subarray(i * width, (i + 1) * width), spec);
    } else if (spec.kind === 'anomaly') {
      const score = data[i]!;
      results[i] = { anomaly: score >= spec.threshold ? 1 : 0, score: round(score) };
    } else {
      results[i] = { value: round(data[i]!) };
    }
  }
  return results;
}

/**
 * One session.run for a whole chunk of rows ([N, F], or [N, rows, F] for windows): the batch dimension is what
 * makes tabular serving cheap. The session comes from the same per-container cache as images, after the same
 * SHA-256 check of the artifact.
 */
export async function runTabular(sessions: SessionCache, model: ModelVersion, tensor: FloatTensor): Promise<TabularAnswer> {
  const { input, output: spec } = model.metadata;
  if (input.kind !== 'tabular' || spec.kind === 'detection') {
    throw new InvalidInputError('unsupported-input', `Model '${model.metadata.name}' takes images, not feature rows.`);
  }
  const rows = tensor.dims[0] ?? 0;
  const width = input.features.length * (input.window?.rows ?? 1);
  if (tensor.data.length !== rows * width) {
    throw new InvalidInputError('tensor-shape', `Expected ${rows} × ${width} values, got ${tensor.data.length}.`);
  }
  if (rows === 0) return { results: [], inferenceMs: 0 };
  const session = await sessions.get(model);
  const started = performance.now();
  const outputs = await session.run({ [input.tensorName]: new ort.Tensor('float32', tensor.data, tensor.dims) });
  const inferenceMs = performance.now() - started;
  const output = outputs[spec.tensorName];
  if (!output) throw new Error(`The model has no output named '${spec.tensorName}'.`);
  return { results: rowResults(output, spec, rows), inferenceMs };
}
