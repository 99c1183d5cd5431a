import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3EventRecord } from 'aws-lambda';
import { openAnnounced, uploadIdentities, uploadRoute } from '../uploads/announced-object';
import { erasedSince, type ErasureLedger, type ObjectVersion } from '../records/erasure-ledger';
import { InputGoneError, InvalidInputError, ModelDisabledError } from '../platform/errors';
import { runTabular } from '../serving/inference/run-tabular';
import type { SessionCache } from '../serving/inference/sessions';
import {
  answeredBy,
  buildRecord,
  recordedModelName,
  recordHead,
  stopwatch,
  type AnsweredBy,
  type PredictionEnd,
} from '../serving/prediction-record';
import type { PredictionRecord } from '../records/records';
import type { ModelRegistry } from '../serving/registry';
import type { Pseudonymise } from '../records/pseudonym';
import { scoreCsv, type CsvSummary } from '../serving/tabular/csv-score';
import { RangeWarningTally, recordedTimeWarnings } from '../records/rows-summary';
import { quarantine } from '../uploads/quarantine';
import { quarantineKeyFor, uploadPredictionId, type UploadKey } from '../uploads/upload-key';
import type { BatchRecords } from './batch-record';
import { deleteUpload } from '../uploads/delete-upload';
import { routeOf } from '../serving/routing';
import { logger } from '../platform/telemetry';
import { BinTally } from '../serving/baseline';
import { AnswerTally } from '../records/answer-counts';
import { countInStats } from '../records/observability';
import type { PredictionStats } from '../records/prediction-stats';

export interface BatchDeps {
  s3: S3Client;
  records: BatchRecords;
  erasures: ErasureLedger;
  /** The hourly counters statistics are read from (#24): a batch counts its rows there. */
  stats: PredictionStats;
  registry: ModelRegistry;
  sessions: SessionCache;
  pseudonymise: Pseudonymise;
  report: (record: PredictionRecord) => void;
  /** The reasons of the rows a batch did not score (audit `rejected-rows` events). */
  reportRejected: (record: PredictionRecord, byReason: CsvSummary['rejectedByReason']) => void;
  now: () => Date;
  resultsBucket: string;
  retentionDays: number;
  chunkRows: number;
  /** Least time between two `processedRows` updates: progress, not a write per chunk. */
  progressEveryMs: number;
}

type BatchUpload = Extract<UploadKey, { kind: 'upload' }>;

export type BatchOutcome = 'written' | 'duplicate' | 'erased';

/** S3's longest key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * `incoming/<model>/<path>.csv` → `batch/<model>/<path>.<predictionId>.csv` in the results bucket: each upload's
 * own file (#20.3), beside the others of the same path; two uploads to one key never share an output. A key too
 * long to take the id keeps `batch/<model>/<predictionId>.csv`. The record's `result.outputKey` names it.
 */
export function batchOutputKeyFor(upload: { key: string; model: string }, predictionId: string): string {
  const path = upload.key.slice('incoming/'.length).replace(/\.csv$/i, '');
  const own = `batch/${path}.${predictionId}.csv`;
  return Buffer.byteLength(own) <= MAX_KEY_BYTES ? own : `batch/${upload.model}/${predictionId}.csv`;
}

/** The body as it streams by, hashed on the way: the record's inputSha256 without holding the file. */
async function* hashing(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, hash: ReturnType<typeof createHash>) {
  for await (const chunk of body) {
    hash.update(chunk);
    yield chunk;
  }
}

/** Writes text into the multipart upload, waiting when its buffer is full: memory stays flat. */
function streamWriter(stream: PassThrough) {
  return async (text: string) => {
    if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  };
}

/**
 * One CSV batch: claims it (a redelivery finds it claimed or ended and stops), streams the file from S3 through
 * the model in chunks into a multipart upload of the scored CSV, updates `processedRows` as it goes, and ends with
 * one record and one audit event. A file the model cannot take at all (missing column, not CSV, image model) is
 * rejected and quarantined like a bad image.
 */
export async function processBatch(
  deps: BatchDeps,
  event: S3EventRecord,
  upload: BatchUpload,
  requestId: string,
): Promise<BatchOutcome> {
  const clock = stopwatch();
  const object: ObjectVersion = { bucket: event.s3.bucket.name, key: upload.key, eTag: event.s3.object.eTag ?? '' };
  const createdAt = deps.now();
  // The same id the preprocess function gives this upload (functions/uploads/upload-key.ts).
  const predictionId = uploadPredictionId(object.bucket, object.key, object.eTag || event.s3.object.sequencer);
  const origin = {
    predictionId,
    requestId,
    source: 's3' as const,
    inputKey: upload.key,
    model: await recordedModelName(deps.registry, upload.model),
  };
  const head = recordHead(origin, createdAt, deps.retentionDays);
  const running = {
    ...head,
    status: 'running' as const,
    processedRows: 0,
    timings: { preprocessMs: 0, inferenceMs: 0, totalMs: 0 },
  };
  if (!(await deps.records.start(running, createdAt))) return 'duplicate';

  const hash = createHash('sha256');
  const outputKey = batchOutputKeyFor(upload, predictionId);
  let summary: CsvSummary | undefined;
  let answered: AnsweredBy | undefined;
  let identities: { subjectId?: string; callerId?: string } = {};
  let receivedAt = createdAt;
  let contentType: string | undefined;
  let output: Upload | undefined;
  const warnings = new RangeWarningTally();
  let bins: BinTally | undefined;
  const answers = new AnswerTally();
  const timings = () => clock.timings(0, summary?.inferenceMs ?? 0);
  let end: PredictionEnd;
  let failure: unknown;
  try {
    // Exactly the file the event announced: one gone or replaced since is recorded so, naming no one (#11.4).
    const announced = await openAnnounced(deps.s3, object, event.eventTime);
    if (announced.kind !== 'present') {
      const why = announced.kind === 'gone' ? 'was deleted' : 'was replaced by a newer upload';
      throw new InputGoneError(`input-${announced.kind}`, `The uploaded file ${why} before it could be read.`);
    }
    const input = announced.object;
    identities = uploadIdentities(input, deps.pseudonymise);
    // The version the upload's metadata asks for (alias, version), after the file's own metadata is read.
    const model = await deps.registry
      .route(upload.model, routeOf({ ...uploadRoute(input), subjectId: identities.subjectId, predictionId }))
      .catch(async (error: unknown) => {
        await input.Body?.transformToWebStream().cancel();
        throw error;
      });
    answered = answeredBy(model);
    const spec = model.metadata.input;
    if (spec.kind !== 'tabular') {
      await input.Body?.transformToWebStream().cancel();
      throw new InvalidInputError(
        'unsupported-input',
        `Model '${upload.model}' takes images; a CSV batch needs a tabular model.`,
      );
    }
    // CSV rows count in drift's windows as single rows do: the batch's record keeps where its rows fell (#24).
    if (model.metadata.baseline) {
      bins = new BinTally(
        model.metadata.baseline,
        spec.features.map((feature) => feature.name),
      );
    }
    receivedAt = input.LastModified ?? createdAt;
    contentType = input.ContentType;
    // A file whose subject was erased after it was uploaded is deleted, not scored (GDPR Art. 17, #11).
    if (identities.subjectId && (await erasedSince(deps.erasures, identities.subjectId, receivedAt))) {
      await input.Body?.transformToWebStream().cancel();
      await deleteUpload(deps.s3, object);
      await deps.records.remove(predictionId);
      return 'erased';
    }
    const body = input.Body as AsyncIterable<Uint8Array> | undefined;
    const stream = new PassThrough();
    output = new Upload({
      client: deps.s3,
      params: { Bucket: deps.resultsBucket, Key: outputKey, Body: stream, ContentType: 'text/csv; charset=utf-8' },
      queueSize: 2,
    });
    const uploaded = output.done();
    // The upload reads as the scoring writes; its failure must not go unobserved while the scoring still runs.
    uploaded.catch(() => undefined);
    const write = streamWriter(stream);
    let lastProgress = performance.now();
    summary = await scoreCsv(
      hashing(body ?? [], hash),
      spec,
      (tensor) => runTabular(deps.sessions, model, tensor),
      {
        header: write,
        rows: async (outcomes, lines) => {
          for (const outcome of outcomes) {
            warnings.add(outcome.warnings);
            bins?.add(outcome.values, outcome.result);
            answers.add(outcome.result);
          }
          await write(lines.join(''));
        },
      },
      {
        chunkRows: deps.chunkRows,
        onProgress: async (rows) => {
          if (performance.now() - lastProgress < deps.progressEveryMs) return;
          lastProgress = performance.now();
          await deps.records.progress(predictionId, rows);
        },
      },
    );
    stream.end();
    await uploaded;
    end = {
      inputSha256: hash.digest('hex'),
      processedRows: summary.rows,
      result: {
        kind: 'batch',
        rows: summary.rows,
        succeededRows: summary.succeededRows,
        rejectedRows: summary.rejectedRows,
        outputKey,
      },
      ...warnings.fields(),
      ...bins?.fields(),
      ...answers.fields(),
      ...recordedTimeWarnings(summary),
    };
  } catch (error) {
    failure = error;
    await output?.abort().catch(() => undefined);
    end = {
      error,
      processedRows: summary?.rows ?? 0,
      // A file gone or replaced left nothing of this upload to quarantine.
      quarantineKey: error instanceof InputGoneError ? undefined : quarantineKeyFor(predictionId, upload.key),
      internalMessage: 'Internal error while scoring the batch.',
    };
  }
  let record = buildRecord({ ...head, ...identities }, answered, end, timings());
  try {
    await deps.records.finish(record);
  } catch (error) {
    // The record as built could not be written (a value DynamoDB refuses, its size): a run must still end with a
    // final record, so a bare `failed` one takes its place; only when that too fails is the batch left `running`,
    // to its retries and then the dead letters (a stale `running` record is claimed again, batch-record.ts).
    // Its name only: a marshalling error quotes the value it refused.
    logger.error('batch record not written; writing a bare failed one', { predictionId, errorName: (error as Error).name });
    failure ??= error;
    record = {
      ...head,
      ...answered,
      status: 'failed',
      processedRows: summary?.rows ?? 0,
      error: { code: 'record-not-written', message: 'The batch ran but its record could not be stored; it can be retried.' },
      timings: timings(),
    };
    await deps.records.finish(record);
  }
  // Counted as single predictions are (serving/prediction-record.ts, storeRecord): never failing the batch.
  await countInStats(deps.stats, record);
  // Checked after the write, as for single predictions: an erasure that ran meanwhile left a tombstone.
  if (record.subjectId && (await erasedSince(deps.erasures, record.subjectId, receivedAt))) {
    await deps.records.remove(predictionId);
    await deps.s3.send(new DeleteObjectCommand({ Bucket: deps.resultsBucket, Key: outputKey }));
    await deleteUpload(deps.s3, object);
    return 'erased';
  }
  deps.report(record);
  if (summary) deps.reportRejected(record, summary.rejectedByReason);
  if (record.quarantineKey) await quarantine(deps, object, record.quarantineKey, contentType);
  // A disabled model's batch is held (its record says so), not retried into the dead letters.
  if (record.status === 'failed' && !(failure instanceof ModelDisabledError)) throw failure;
  return 'written';
}
