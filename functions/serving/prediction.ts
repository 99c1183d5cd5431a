import { InvalidInputError, PayloadTooLargeError, type VigieError } from '../platform/errors';
import type { ErasureLedger } from '../records/erasure-ledger';
import type { PredictionResult } from '../records/results';
import type { PredictionRecord, PredictionStore } from '../records/records';
import type { InvokeInfer } from './inference/infer-client';
import { imageInputOf } from './model-spec';
import {
  answeredBy,
  buildRecord,
  recordedModelName,
  recordHead,
  sha256Hex,
  stopwatch,
  storeRecord,
  type AnsweredBy,
  type PredictionEnd,
} from './prediction-record';
import { preprocessImage, type DecodeLimits, type PreparedInput } from './preprocessing';
import { imageStatistics } from './preprocessing/image-stats';
import { imageBins } from './image-bins';
import type { ModelRegistry, ModelVersion, ServedVersion } from './registry';
import { routeOf } from './routing';
import { inkSegmenterOf } from './inference/ink-segmenter';
import { finalAnswer } from './second-look';
import { shadowAfterAnswer, type ShadowHandOver } from './shadow';
import type { PredictionStats } from '../records/prediction-stats';

/** Side effects of a prediction, passed in so tests can run the pipeline with fakes. */
export interface PredictionDeps {
  registry: ModelRegistry;
  invokeInfer: InvokeInfer;
  store: PredictionStore;
  erasures: ErasureLedger;
  /** The hourly counters statistics are read from (#24). */
  stats: PredictionStats;
  report: (record: PredictionRecord) => void;
  now: () => Date;
  limits: DecodeLimits & { maxBytes: number };
  retentionDays: number;
  /** The HTTP paths' hand-over to the shadow function (serving/shadow.ts); absent elsewhere (S3, batches, the shadow itself). */
  shadow?: ShadowHandOver;
}

export interface PredictionRequest {
  predictionId: string;
  requestId: string;
  source: PredictionRecord['source'];
  model: string;
  version?: string;
  /** `?alias=` (uploads: the `alias` metadata); production when neither it nor `version` is given. */
  alias?: string;
  /** The version the caller already routed this request to (to choose a path, or refuse early): not looked up again. */
  resolved?: ServedVersion;
  bytes: Uint8Array;
  /**
   * The model's input as the caller already made it (an Open Inference Protocol tensor), checked against the
   * model here: used instead of preprocessing `bytes`, which then only identify the input (inputSha256).
   */
  prepare?: (model: ModelVersion) => PreparedInput;
  /** A reason to refuse found before the bytes were read (e.g. an upload too large to fetch). */
  refusal?: VigieError;
  inputKey?: string;
  /** Where a rejected input is moved (S3 uploads), noted in its record. */
  quarantineKey?: string;
  /**
   * Makes the derived picture of a successful prediction (boxes drawn on the input) and returns where it was
   * stored, if anywhere. It runs before the record is written, so a failure to store it fails the prediction.
   */
  annotate?: (result: PredictionResult, source: PreparedInput['source']) => Promise<string | undefined>;
  /** Already pseudonymised. */
  subjectId?: string;
  callerId?: string;
  /**
   * When the input reached Vigie (an upload's Last-Modified; the request's arrival otherwise): an erasure of the
   * subject after that moment covers it, even if this prediction finishes later.
   */
  receivedAt?: Date;
}

export interface PredictionOutcome {
  record: PredictionRecord;
  /** False when an earlier delivery of the same input already recorded its answer. */
  written: boolean;
  /** True when the subject's erasure overtook this prediction: its record was withdrawn as soon as written. */
  erased?: boolean;
  error?: unknown;
}

/**
 * The one prediction path shared by S3 uploads and HTTP calls: preprocess (as the model's spec says), infer
 * (the infer function's code: in process for HTTP, over Lambda Invoke for uploads), then record the outcome,
 * whatever it is. A failure is recorded before it is returned. The model is resolved once per request: here, or
 * by the caller that had to look at it first (`resolved`), and the version itself goes to the model.
 */
export async function runPrediction(deps: PredictionDeps, request: PredictionRequest): Promise<PredictionOutcome> {
  const clock = stopwatch();
  const createdAt = deps.now();
  let preprocessMs = 0;
  let inferenceMs = 0;
  let model: ServedVersion | undefined;
  let answered: AnsweredBy | undefined;
  let end: PredictionEnd;
  try {
    if (request.refusal) throw request.refusal;
    if (request.bytes.length === 0) throw new InvalidInputError('empty-input', 'The input is empty.');
    if (request.bytes.length > deps.limits.maxBytes) {
      throw new PayloadTooLargeError(`The input is ${request.bytes.length} bytes; the limit is ${deps.limits.maxBytes}.`);
    }
    model = request.resolved ?? (await deps.registry.route(request.model, routeOf(request)));
    answered = answeredBy(model);
    const prepared = request.prepare
      ? request.prepare(model)
      : await preprocessImage(request.bytes, imageInputOf(model.metadata), deps.limits, inkSegmenterOf(model));
    preprocessMs = clock.elapsed();
    // A picture for a version with a baseline: its statistics for drift (#24), measured while the model runs. They
    // are only ever watched: a picture the model could read is never refused for them.
    const baseline = request.prepare ? undefined : model.metadata.baseline;
    const statistics = baseline && imageStatistics(request.bytes, prepared, deps.limits).catch(() => undefined);
    const answer = await deps.invokeInfer({ model, tensor: prepared.tensor, letterbox: prepared.letterbox });
    inferenceMs = answer.inferenceMs;
    // The version that answered, as the infer function names it.
    answered = { ...answered, modelVersion: answer.modelVersion, modelSha256: answer.modelSha256 };
    const result = await finalAnswer(answer.result, prepared, model, async (tensor) => {
      const again = await deps.invokeInfer({ model: model!, tensor });
      inferenceMs += again.inferenceMs;
      return again.result;
    });
    const annotatedKey = await request.annotate?.(result, prepared.source);
    const measured = await statistics;
    end = {
      result,
      annotatedKey,
      ...(baseline && measured && { bins: imageBins(baseline, measured, result) }),
    };
  } catch (error) {
    end = { error, quarantineKey: request.quarantineKey };
  }
  const head = recordHead(
    {
      predictionId: request.predictionId,
      requestId: request.requestId,
      source: request.source,
      inputKey: request.inputKey,
      inputSha256: request.refusal ? undefined : sha256Hex(request.bytes),
      model: await recordedModelName(deps.registry, request.model, model),
      subjectId: request.subjectId,
      callerId: request.callerId,
    },
    createdAt,
    deps.retentionDays,
  );
  const record = buildRecord(head, answered, end, clock.timings(preprocessMs, inferenceMs));
  const stored = await storeRecord(deps, record, request.receivedAt ?? createdAt);
  if (stored.erased) return { record, written: false, erased: true };
  // A picture sent as a file is shadowed (a tensor built by the caller, /v2, is not), once the answer is sent.
  if (stored.written) {
    shadowAfterAnswer(
      deps.shadow,
      model,
      record,
      () => (request.prepare ? undefined : { kind: 'image', image: Buffer.from(request.bytes).toString('base64') }),
      () => [record.result as PredictionResult],
    );
  }
  return 'error' in end ? { record, written: stored.written, error: end.error } : { record, written: stored.written };
}
