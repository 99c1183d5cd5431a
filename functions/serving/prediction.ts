import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { erasedSince, type ErasureLedger } from '../records/erasure-ledger';
import { errorCode, InvalidInputError, isPermanent, PayloadTooLargeError, VigieError } from '../platform/errors';
import type { InvokeInfer } from './inference/infer-client';
import { imageInputOf } from './model-spec';
import type { PredictionResult } from '../records/results';
import { preprocessImage, type DecodeLimits, type PreparedInput } from './preprocessing';
import { UNKNOWN_MODEL } from '../platform/model-name';
import { expiryFor, type PredictionRecord, type PredictionStore } from '../records/records';
import type { ModelRegistry, ModelVersion } from './registry';

/** Side effects of a prediction, passed in so tests can run the pipeline with fakes. */
export interface PredictionDeps {
  registry: ModelRegistry;
  invokeInfer: InvokeInfer;
  store: PredictionStore;
  erasures: ErasureLedger;
  report: (record: PredictionRecord) => void;
  now: () => Date;
  limits: DecodeLimits & { maxBytes: number };
  retentionDays: number;
}

export interface PredictionRequest {
  predictionId: string;
  requestId: string;
  source: PredictionRecord['source'];
  model: string;
  version?: string;
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

const roundMs = (ms: number) => Math.round(ms * 100) / 100;

/**
 * The model name a record and its metrics carry: the registry's name, or `unknown` for any other (see
 * model-name.ts). A registry that cannot be listed records `unknown` too; resolving the model then fails and
 * says why in the record.
 */
export async function recordedModelName(registry: ModelRegistry, requested: string): Promise<string> {
  const known = await registry.knows(requested).catch(() => false);
  return known ? requested : UNKNOWN_MODEL;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The one prediction path shared by S3 uploads and HTTP calls: preprocess (as the model's spec says), infer
 * (the infer function's code: in process for HTTP, over Lambda Invoke for uploads), then record the outcome, whatever it is. A failure is recorded before it is returned.
 */
export async function runPrediction(deps: PredictionDeps, request: PredictionRequest): Promise<PredictionOutcome> {
  const started = performance.now();
  const createdAt = deps.now();
  const base = {
    predictionId: request.predictionId,
    requestId: request.requestId,
    source: request.source,
    inputKey: request.inputKey,
    inputSha256: request.refusal ? undefined : sha256Hex(request.bytes),
    model: await recordedModelName(deps.registry, request.model),
    subjectId: request.subjectId,
    callerId: request.callerId,
    createdAt: createdAt.toISOString(),
    expiresAt: expiryFor(createdAt, deps.retentionDays),
  };
  let preprocessMs = 0;
  let inferenceMs = 0;
  const timings = () => ({
    preprocessMs: roundMs(preprocessMs),
    inferenceMs: roundMs(inferenceMs),
    totalMs: roundMs(performance.now() - started),
  });
  let record: PredictionRecord;
  let failure: unknown;
  let resolved: { modelVersion: string; modelSha256: string } | undefined;
  try {
    if (request.refusal) throw request.refusal;
    if (request.bytes.length === 0) throw new InvalidInputError('empty-input', 'The input is empty.');
    if (request.bytes.length > deps.limits.maxBytes) {
      throw new PayloadTooLargeError(`The input is ${request.bytes.length} bytes; the limit is ${deps.limits.maxBytes}.`);
    }
    const model = await deps.registry.resolve(request.model, request.version);
    resolved = { modelVersion: model.metadata.version, modelSha256: model.metadata.artifact.sha256 };
    const prepared = request.prepare
      ? request.prepare(model)
      : await preprocessImage(request.bytes, imageInputOf(model.metadata), deps.limits);
    preprocessMs = performance.now() - started;
    const answer = await deps.invokeInfer({
      model: model.metadata.name,
      version: model.metadata.version,
      tensor: prepared.tensor,
      letterbox: prepared.letterbox,
    });
    inferenceMs = answer.inferenceMs;
    const annotatedKey = await request.annotate?.(answer.result, prepared.source);
    record = {
      ...base,
      annotatedKey,
      modelVersion: answer.modelVersion,
      modelSha256: answer.modelSha256,
      status: 'succeeded',
      result: answer.result,
      timings: timings(),
    };
  } catch (error) {
    failure = error;
    record = {
      ...base,
      ...resolved,
      status: isPermanent(error) ? 'rejected' : 'failed',
      quarantineKey: isPermanent(error) ? request.quarantineKey : undefined,
      // 5xx details stay in the logs; the record says what kind of failure it was.
      error: {
        code: errorCode(error),
        message: error instanceof VigieError && error.exposeMessage ? error.message : 'Internal error while predicting.',
      },
      timings: timings(),
    };
  }
  const stored = await storeRecord(deps, record, request.receivedAt ?? createdAt);
  if (stored.erased) return { record, written: false, erased: true };
  return failure === undefined ? { record, written: stored.written } : { record, written: stored.written, error: failure };
}

/**
 * Writes a prediction's record (unless a delivery already ended it) and reports it, unless the subject's erasure
 * overtook it. Checked after the write: an erasure that began before it either found this record or left a
 * tombstone that is read here (a strongly consistent read), so the record cannot outlive the erasure.
 */
export async function storeRecord(
  deps: Pick<PredictionDeps, 'store' | 'erasures' | 'report'>,
  record: PredictionRecord,
  receivedAt: Date,
): Promise<{ written: boolean; erased: boolean }> {
  const written = await deps.store.put(record);
  if (written && record.subjectId && (await erasedSince(deps.erasures, record.subjectId, receivedAt))) {
    await deps.store.delete(record.predictionId);
    return { written: false, erased: true };
  }
  if (written) deps.report(record);
  return { written, erased: false };
}
