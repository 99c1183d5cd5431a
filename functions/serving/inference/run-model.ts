import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import { InvalidInputError } from '../../platform/errors';
import { ort } from '../../platform/native/onnxruntime';
import type { FloatTensor, LetterboxGeometry, Tensor } from '../preprocessing';
// From tensor.ts itself, not the preprocessing index: the infer function has no sharp layer to load.
import { toModelInput } from '../preprocessing/tensor';
import { imageInputOf } from '../model-spec';
import type { ModelVersion } from '../registry';
import { detectionResult, keptCandidates, type Candidate } from './detection';
import { normalisedPadding, refineBoxes, type BoxRefinerSpec } from './box-refiner';
import { classify } from './postprocess';
import type { PredictionResult } from '../../records/results';
import type { SessionCache } from './sessions';

export interface ModelAnswer {
  result: PredictionResult;
  inferenceMs: number;
}

/** The tensor must be exactly what the spec declares: a wrong shape or a NaN never reaches the runtime. */
export function checkTensor(tensor: Tensor, model: ModelVersion): void {
  const { channels, height, width } = imageInputOf(model.metadata);
  // Pixels travel NHWC, as decoded; float tensors are already in the model's NCHW.
  const expected = tensor.dtype === 'uint8' ? [1, height, width, channels] : [1, channels, height, width];
  if (tensor.dims.length !== 4 || tensor.dims.some((dim, i) => dim !== expected[i])) {
    throw new InvalidInputError('tensor-shape', `Expected a tensor of shape [${expected}], got [${tensor.dims}].`);
  }
  if (tensor.data.length !== channels * height * width) {
    throw new InvalidInputError('tensor-shape', `Expected ${channels * height * width} values, got ${tensor.data.length}.`);
  }
  // uint8 pixels are finite by construction.
  if (tensor.dtype === 'uint8') return;
  for (const value of tensor.data) {
    if (!Number.isFinite(value)) throw new InvalidInputError('tensor-values', 'The tensor holds a non-finite value.');
  }
}

/** Every value alike: the picture held nothing (a page with no writing is fitted as an empty canvas). */
function isConstant(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i += 1) if (values[i] !== values[0]) return false;
  return true;
}

/**
 * The float input buffer of the last run, kept for the next: a car frame's 3 MB is then neither allocated nor
 * collected per request (normalising it took 3.7 ms with a new buffer, 1.1 ms reusing one). Lent to one run at a
 * time, so runs that overlap in one process (tests, the in-process bench) never share it.
 */
let spareInput: Float32Array | undefined;

function output(outputs: InferenceSession.OnnxValueMapType, name: string) {
  const value = outputs[name];
  if (!value) throw new Error(`The model has no output named '${name}'.`);
  return value;
}

export async function runModel(
  sessions: SessionCache,
  model: ModelVersion,
  tensor: Tensor,
  letterbox?: LetterboxGeometry,
): Promise<ModelAnswer> {
  checkTensor(tensor, model);
  const input = imageInputOf(model.metadata);
  const spec = model.metadata.output;
  if (spec.kind === 'detection' && !letterbox) {
    throw new InvalidInputError('missing-geometry', 'A detector needs the letterbox geometry to map boxes to the picture.');
  }
  const session = await sessions.get(model);
  const lent = spareInput;
  spareInput = undefined;
  const values = toModelInput(tensor, input.normalisation, lent);
  const started = performance.now();
  const outputs = await session.run({ [input.tensorName]: new ort.Tensor('float32', values.data, values.dims) });
  const inferenceMs = performance.now() - started;
  try {
    if (spec.kind === 'classification') {
      const scores = output(outputs, spec.tensorName).data as Float32Array;
      return { result: classify(scores, spec, isConstant(values.data)), inferenceMs };
    }
    if (spec.kind !== 'detection') throw new InvalidInputError('unsupported-input', `A ${spec.kind} model takes feature rows.`);
    const scores = output(outputs, spec.scoresTensorName);
    const grid = { height: scores.dims[2] ?? 0, width: scores.dims[3] ?? 0 };
    const boxes = output(outputs, spec.boxesTensorName).data as Float32Array;
    const kept = keptCandidates(scores.data as Float32Array, boxes, grid, spec);
    const placed = spec.boxRefiner ? await placedAgain(sessions, model, values, kept, spec.boxRefiner) : kept;
    return { result: detectionResult(placed, spec, letterbox!), inferenceMs };
  } finally {
    // The answer is read (a box refiner crops the input), so the input may be overwritten; float tensors that came
    // as such are not ours to keep.
    if (tensor.dtype === 'uint8') spareInput = values.data;
  }
}

/** The kept candidates with their boxes placed again by the version's box refiner (box-refiner.ts). */
async function placedAgain(
  sessions: SessionCache,
  model: ModelVersion,
  input: FloatTensor,
  kept: Candidate[],
  refiner: BoxRefinerSpec,
): Promise<Candidate[]> {
  const spec = imageInputOf(model.metadata);
  if (spec.fit !== 'letterbox') throw new Error('a box refiner crops a letterboxed input');
  const session = await sessions.get(model, refiner);
  const boxes = await refineBoxes(
    session,
    input,
    kept.map((candidate) => candidate.box),
    refiner,
    normalisedPadding(spec),
  );
  return kept.map((candidate, k) => ({ ...candidate, box: boxes[k]! }));
}
