import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { errorCode, isPermanent, VigieError } from '../platform/errors';
import { UNKNOWN_MODEL } from '../platform/model-name';
import { erasedSince, type ErasureLedger } from '../records/erasure-ledger';
import { expiryFor, type PredictionRecord, type PredictionStore } from '../records/records';
import { countInStats } from '../records/observability';
import type { PredictionStats } from '../records/prediction-stats';
import type { ModelRegistry, ModelVersion, ServedVersion } from './registry';

/**
 * The one builder of prediction records, for pictures, feature rows and CSV batches alike (and whatever path
 * comes next): every path states what came in and how it ended, and the record's shape, its failure wording and
 * its timings are made here. It loads neither sharp nor onnxruntime, so the batch bundle carries neither for it.
 */

/** What a record says of its input and of who asked, whatever the outcome. */
export type RecordOrigin = Pick<
  PredictionRecord,
  'predictionId' | 'requestId' | 'source' | 'inputKey' | 'inputSha256' | 'model' | 'subjectId' | 'callerId'
>;

/** The fields every record of one prediction starts with: its origin, when it was made, when it expires. */
export type RecordHead = RecordOrigin & Pick<PredictionRecord, 'createdAt' | 'expiresAt'>;

/** The version that answered and the alias that chose it, as the record names them. */
export type AnsweredBy = Pick<PredictionRecord, 'modelVersion' | 'modelSha256' | 'alias'>;

/** How a prediction ended: with an answer (and what was noted about its input), or with the error that stopped it. */
export type PredictionEnd =
  | ({ result: PredictionRecord['result'] } & Pick<
      PredictionRecord,
      | 'inputSha256'
      | 'annotatedKey'
      | 'warnings'
      | 'warningCount'
      | 'timeWarnings'
      | 'timeWarningCount'
      | 'processedRows'
      | 'bins'
      | 'answers'
    >)
  | {
      error: unknown;
      /** Where the input goes if the refusal is permanent (S3 inputs); a transient failure keeps it in place. */
      quarantineKey?: string;
      processedRows?: number;
      /** What the record says of an internal error (5xx details stay in the logs). */
      internalMessage?: string;
    };

export function recordHead(origin: RecordOrigin, createdAt: Date, retentionDays: number): RecordHead {
  return { ...origin, createdAt: createdAt.toISOString(), expiresAt: expiryFor(createdAt, retentionDays) };
}

export function answeredBy(model: ServedVersion): AnsweredBy {
  return {
    modelVersion: model.metadata.version,
    modelSha256: model.metadata.artifact.sha256,
    ...(model.alias !== undefined && { alias: model.alias }),
  };
}

/** A prediction's record: `succeeded` with its answer, or `rejected` (permanent) / `failed` (may be retried). */
export function buildRecord(
  head: RecordHead,
  answered: AnsweredBy | undefined,
  end: PredictionEnd,
  timings: PredictionRecord['timings'],
): PredictionRecord {
  if (!('error' in end)) return { ...head, ...answered, status: 'succeeded', ...end, timings };
  const { error, quarantineKey, internalMessage = 'Internal error while predicting.', ...noted } = end;
  const permanent = isPermanent(error);
  return {
    ...head,
    ...answered,
    ...noted,
    status: permanent ? 'rejected' : 'failed',
    quarantineKey: permanent ? quarantineKey : undefined,
    error: {
      code: errorCode(error),
      message: error instanceof VigieError && error.exposeMessage ? error.message : internalMessage,
    },
    timings,
  };
}

const roundMs = (ms: number) => Math.round(ms * 100) / 100;

/** Started with the prediction; gives the record's timings, its total up to the moment they are asked for. */
export function stopwatch() {
  const started = performance.now();
  return {
    /** Milliseconds since the start. */
    elapsed: () => performance.now() - started,
    timings: (preprocessMs: number, inferenceMs: number): PredictionRecord['timings'] => ({
      preprocessMs: roundMs(preprocessMs),
      inferenceMs: roundMs(inferenceMs),
      totalMs: roundMs(performance.now() - started),
    }),
  };
}

/**
 * The model name a record and its metrics carry: the registry's name, or `unknown` for any other (see
 * platform/model-name.ts). A name the registry resolved is known, so it is not looked up again. A registry that
 * cannot be listed records `unknown` too; resolving the model then fails and says why in the record.
 */
export async function recordedModelName(registry: ModelRegistry, requested: string, resolved?: ModelVersion): Promise<string> {
  if (resolved) return requested;
  const known = await registry.knows(requested).catch(() => false);
  return known ? requested : UNKNOWN_MODEL;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Where a single prediction's record goes, and who hears of it. */
export interface RecordSink {
  store: PredictionStore;
  erasures: ErasureLedger;
  /** The hourly counters statistics are read from (#24). */
  stats: PredictionStats;
  report: (record: PredictionRecord) => void;
}

/**
 * Writes a prediction's record (unless a delivery already ended it) and reports it, unless the subject's erasure
 * overtook it. Checked after the write: an erasure that began before it either found this record or left a
 * tombstone that is read here (a strongly consistent read), so the record cannot outlive the erasure. The record
 * is counted in the statistics as it is written (counters hold no one: an erased record stays counted).
 */
export async function storeRecord(
  sink: RecordSink,
  record: PredictionRecord,
  receivedAt: Date,
): Promise<{ written: boolean; erased: boolean }> {
  // Counted while the record is written, so the answer waits for the slower write rather than both; a record the
  // store did not keep (a duplicate delivery, a failed write) takes its counts back out.
  const counted = countInStats(sink.stats, record);
  const uncount = async () => void ((await counted) && (await countInStats(sink.stats, record, -1)));
  const written = await sink.store.put(record).catch(async (error: unknown) => {
    await uncount();
    throw error;
  });
  if (!written) {
    await uncount();
    return { written, erased: false };
  }
  if (record.subjectId && (await erasedSince(sink.erasures, record.subjectId, receivedAt))) {
    await sink.store.delete(record.predictionId);
    await counted;
    return { written: false, erased: true };
  }
  sink.report(record);
  await counted;
  return { written, erased: false };
}
