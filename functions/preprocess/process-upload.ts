import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { ANNOTATED_FORMATS, annotateDetections } from '../serving/annotate';
import { openAnnounced, uploadIdentities, uploadRoute } from '../uploads/announced-object';
import { erasedSince, type ObjectVersion } from '../records/erasure-ledger';
import { InputGoneError, InvalidInputError, PayloadTooLargeError, type VigieError } from '../platform/errors';
import { runPrediction, type PredictionDeps, type PredictionOutcome, type PredictionRequest } from '../serving/prediction';
import type { Pseudonymise } from '../records/pseudonym';
import type { BucketFiles } from '../uploads/bucket-files';
import { quarantine } from '../uploads/quarantine';
import { quarantineKeyFor, uploadPredictionId, type UploadKey } from '../uploads/upload-key';

export interface UploadDeps {
  /** Reads the announced upload and quarantines it (uploads/announced-object.ts, uploads/quarantine.ts). */
  s3: S3Client;
  /** Writes and deletes the files this path makes or removes. */
  files: Pick<BucketFiles, 'put' | 'delete' | 'deleteIfUnchanged'>;
  prediction: PredictionDeps;
  pseudonymise: Pseudonymise;
  /** Derived files go here, never back into the uploads bucket (it would trigger another prediction). */
  resultsBucket: string;
}

type Upload = Extract<UploadKey, { kind: 'upload' }>;
type InvalidUpload = Extract<UploadKey, { kind: 'invalid' }>;

/** An upload that an erasure of its subject covered: deleted, and recorded nowhere. */
export interface ErasedUpload {
  erased: true;
  written: false;
  record?: undefined;
}
export type UploadOutcome = PredictionOutcome | ErasedUpload;

/**
 * Derived files are named by the prediction they come from, then the upload's path for people to read: a key
 * reused by someone else later gets other derived files, never overwrites these (#11.1).
 */
export function annotatedKeyFor(predictionId: string, upload: Upload): string {
  return `annotated/${predictionId}/${upload.key.slice('incoming/'.length)}.${ANNOTATED_FORMATS.jpeg.extension}`;
}

/** The object an event announced, read as it is now: the announced one, or a reason it no longer is. */
type Opened =
  | { kind: 'present'; object: GetObjectCommandOutput; receivedAt: Date; subjectId?: string; callerId?: string }
  | { kind: 'gone' | 'replaced' };

/** The announced object with the pseudonyms of whom it is about and who sent it (its metadata). */
async function openUpload(deps: UploadDeps, upload: ObjectVersion, eventTime: string): Promise<Opened> {
  const announced = await openAnnounced(deps.s3, upload, eventTime);
  if (announced.kind !== 'present') return announced;
  const { object } = announced;
  return {
    kind: 'present',
    object,
    receivedAt: object.LastModified ?? new Date(eventTime),
    ...uploadIdentities(object, deps.pseudonymise),
  };
}

/**
 * What every upload goes through, valid key or not: read the announced object, honour an erasure of its subject,
 * record the outcome (an object gone or replaced is an outcome too, #11.5), and clean up after a late erasure.
 */
async function handleUpload(
  deps: UploadDeps,
  record: S3EventRecord,
  key: string,
  request: (opened: Extract<Opened, { kind: 'present' }>, predictionId: string) => Promise<Partial<PredictionRequest>>,
  requestId: string,
): Promise<UploadOutcome> {
  const upload: ObjectVersion = { bucket: record.s3.bucket.name, key, eTag: record.s3.object.eTag ?? '' };
  const predictionId = uploadPredictionId(upload.bucket, key, upload.eTag || record.s3.object.sequencer);
  const base = { predictionId, requestId, source: 's3' as const, model: key.split('/')[1] || 'unknown', inputKey: key };
  const opened = await openUpload(deps, upload, record.eventTime);
  if (opened.kind !== 'present') {
    // An upload an erasure deleted before its event arrived ends here, leaving nothing that names it.
    if (opened.kind === 'gone' && (await deps.prediction.erasures.objectErased(upload))) return { erased: true, written: false };
    const why = opened.kind === 'gone' ? 'was deleted' : 'was replaced by a newer upload';
    return runPrediction(deps.prediction, {
      ...base,
      bytes: new Uint8Array(),
      refusal: new InputGoneError(`input-${opened.kind}`, `The uploaded object ${why} before it could be read.`),
    });
  }
  const { object, subjectId, callerId, receivedAt } = opened;
  if (subjectId && (await erasedSince(deps.prediction.erasures, subjectId, receivedAt))) {
    await object.Body?.transformToWebStream().cancel();
    await deps.files.deleteIfUnchanged(upload);
    return { erased: true, written: false };
  }
  const quarantineKey = quarantineKeyFor(predictionId, key);
  const outcome = await runPrediction(deps.prediction, {
    ...base,
    bytes: new Uint8Array(),
    quarantineKey,
    subjectId,
    callerId,
    receivedAt,
    ...(await request(opened, predictionId)),
  });
  if (outcome.erased) {
    const annotated = outcome.record.annotatedKey;
    if (annotated) await deps.files.delete(deps.resultsBucket, annotated);
    await deps.files.deleteIfUnchanged(upload);
  } else if (outcome.record.status === 'rejected') {
    await quarantine(deps, upload, quarantineKey, object.ContentType);
  }
  return outcome;
}

/** Refuses an upload without reading its body: the stream is cancelled, so the refusal costs no transfer. */
async function refuseUnread(object: GetObjectCommandOutput, refusal: VigieError): Promise<Partial<PredictionRequest>> {
  await object.Body?.transformToWebStream().cancel();
  return { refusal };
}

/** What the preprocess handler calls for one event record, once it has read the upload's key. */
type UploadHandler<U extends UploadKey> = (
  deps: UploadDeps,
  record: S3EventRecord,
  upload: U,
  requestId: string,
) => Promise<UploadOutcome>;

/** Rejects an upload whose key cannot be used, with a record saying why, and quarantines it. */
export const rejectInvalidKey: UploadHandler<InvalidUpload> = (deps, record, upload, requestId) =>
  handleUpload(
    deps,
    record,
    upload.key,
    ({ object }) => refuseUnread(object, new InvalidInputError('invalid-key', upload.reason)),
    requestId,
  );

export const processUpload: UploadHandler<Upload> = (deps, record, upload, requestId) =>
  handleUpload(
    deps,
    record,
    upload.key,
    async ({ object }, predictionId) => {
      const size = object.ContentLength ?? 0;
      const maxBytes = deps.prediction.limits.maxBytes;
      // Checked before the body is read: an oversized upload costs no memory.
      if (size > maxBytes) {
        return refuseUnread(object, new PayloadTooLargeError(`The upload is ${size} bytes; the limit is ${maxBytes}.`));
      }
      const bytes = object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
      return {
        model: upload.model,
        ...uploadRoute(object),
        bytes,
        annotate: async (result, source) => {
          if (!('detections' in result)) return undefined;
          const key = annotatedKeyFor(predictionId, upload);
          const picture = await annotateDetections(bytes, result, source, 'jpeg');
          await deps.files.put(deps.resultsBucket, key, picture, ANNOTATED_FORMATS.jpeg.contentType);
          return key;
        },
      };
    },
    requestId,
  );
