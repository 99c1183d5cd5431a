import { createHash } from 'node:crypto';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { ANNOTATED_FORMATS, annotateDetections } from '../shared/annotate';
import { InvalidInputError, PayloadTooLargeError } from '../shared/errors';
import { runPrediction, type PredictionDeps, type PredictionOutcome } from '../shared/prediction';
import type { Pseudonymise } from '../shared/pseudonym';
import type { UploadKey } from './upload-key';

export interface UploadDeps {
  s3: S3Client;
  prediction: PredictionDeps;
  pseudonymise: Pseudonymise;
  /** Derived files go here, never back into the uploads bucket (it would trigger another prediction). */
  resultsBucket: string;
}

type Upload = Extract<UploadKey, { kind: 'upload' }>;
type InvalidUpload = Extract<UploadKey, { kind: 'invalid' }>;

/** `incoming/<model>/<path>` → `annotated/<model>/<path>.jpg`: the same path, so a person finds one from the other. */
export function annotatedKeyFor(upload: Upload): string {
  return `annotated/${upload.key.slice('incoming/'.length)}.${ANNOTATED_FORMATS.jpeg.extension}`;
}

/**
 * The same object (bucket, key, ETag) always gets the same prediction id, so a redelivered event finds the
 * record it already wrote instead of writing a second one.
 */
export function uploadPredictionId(bucket: string, key: string, eTag: string): string {
  const hex = createHash('sha256').update(`s3://${bucket}/${key}#${eTag}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const quarantineKeyFor = (key: string) => `quarantine/${key}`;

/**
 * Moves a rejected upload out of the uploads bucket into the results bucket's quarantine prefix (server-side
 * copy, then delete). A redelivery finds the object already gone, which is fine.
 */
export async function quarantine(deps: Pick<UploadDeps, 's3' | 'resultsBucket'>, bucket: string, key: string): Promise<void> {
  try {
    await deps.s3.send(
      new CopyObjectCommand({
        Bucket: deps.resultsBucket,
        Key: quarantineKeyFor(key),
        CopySource: `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
      }),
    );
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return;
    throw error;
  }
  await deps.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Rejects an upload whose key cannot be used, with a record saying why, and quarantines it. */
export async function rejectInvalidKey(
  deps: UploadDeps,
  record: S3EventRecord,
  upload: InvalidUpload,
  requestId: string,
): Promise<PredictionOutcome> {
  const bucket = record.s3.bucket.name;
  const outcome = await runPrediction(deps.prediction, {
    predictionId: uploadPredictionId(bucket, upload.key, record.s3.object.eTag ?? ''),
    requestId,
    source: 's3',
    model: upload.key.split('/')[1] || 'unknown',
    bytes: new Uint8Array(),
    refusal: new InvalidInputError('invalid-key', upload.reason),
    inputKey: upload.key,
    quarantineKey: quarantineKeyFor(upload.key),
  });
  await quarantine(deps, bucket, upload.key);
  return outcome;
}

export async function processUpload(
  deps: UploadDeps,
  record: S3EventRecord,
  upload: Upload,
  requestId: string,
): Promise<PredictionOutcome> {
  const bucket = record.s3.bucket.name;
  const eTag = record.s3.object.eTag ?? record.s3.object.sequencer ?? '';
  const object = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: upload.key }));
  const metadata = object.Metadata ?? {};
  const size = object.ContentLength ?? 0;
  const maxBytes = deps.prediction.limits.maxBytes;
  // Checked before the body is read: an oversized upload costs no memory.
  const tooLarge = size > maxBytes;
  if (tooLarge) await object.Body?.transformToWebStream().cancel();
  const bytes = !tooLarge && object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
  const subject = metadata['subject-id'];
  const requester = metadata['requested-by'];
  const outcome = await runPrediction(deps.prediction, {
    predictionId: uploadPredictionId(bucket, upload.key, eTag),
    requestId,
    source: 's3',
    model: upload.model,
    bytes,
    refusal: tooLarge ? new PayloadTooLargeError(`The upload is ${size} bytes; the limit is ${maxBytes}.`) : undefined,
    inputKey: upload.key,
    quarantineKey: quarantineKeyFor(upload.key),
    annotate: async (result, source) => {
      if (!('detections' in result)) return undefined;
      const key = annotatedKeyFor(upload);
      const picture = await annotateDetections(bytes, result, source, 'jpeg');
      await deps.s3.send(
        new PutObjectCommand({
          Bucket: deps.resultsBucket,
          Key: key,
          Body: picture,
          ContentType: ANNOTATED_FORMATS.jpeg.contentType,
        }),
      );
      return key;
    },
    subjectId: subject ? deps.pseudonymise(subject) : undefined,
    callerId: requester ? deps.pseudonymise(requester) : undefined,
  });
  if (outcome.record.status === 'rejected') await quarantine(deps, bucket, upload.key);
  return outcome;
}
