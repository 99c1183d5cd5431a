import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { annotateDetections } from '../shared/annotate';
import { PayloadTooLargeError } from '../shared/errors';
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

/** `incoming/<model>/<path>` → `annotated/<model>/<path>.png`: the same path, so a person finds one from the other. */
export function annotatedKeyFor(upload: UploadKey): string {
  return `annotated/${upload.key.slice('incoming/'.length)}.png`;
}

/**
 * The same object (bucket, key, ETag) always gets the same prediction id, so a redelivered event finds the
 * record it already wrote instead of writing a second one.
 */
export function uploadPredictionId(bucket: string, key: string, eTag: string): string {
  const hex = createHash('sha256').update(`s3://${bucket}/${key}#${eTag}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export async function processUpload(deps: UploadDeps, record: S3EventRecord, upload: UploadKey): Promise<PredictionOutcome> {
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
  return runPrediction(deps.prediction, {
    predictionId: uploadPredictionId(bucket, upload.key, eTag),
    source: 's3',
    model: upload.model,
    bytes,
    refusal: tooLarge ? new PayloadTooLargeError(`The upload is ${size} bytes; the limit is ${maxBytes}.`) : undefined,
    inputKey: upload.key,
    annotate: async (result, source) => {
      if (!('detections' in result)) return undefined;
      const key = annotatedKeyFor(upload);
      const png = await annotateDetections(bytes, result, source);
      await deps.s3.send(new PutObjectCommand({ Bucket: deps.resultsBucket, Key: key, Body: png, ContentType: 'image/png' }));
      return key;
    },
    subjectId: subject ? deps.pseudonymise(subject) : undefined,
    callerId: requester ? deps.pseudonymise(requester) : undefined,
  });
}
