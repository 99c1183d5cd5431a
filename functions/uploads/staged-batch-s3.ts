import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ConflictError, InvalidInputError } from '../platform/errors';
import { batchInputKey, stagingKey } from './staged-batch';
import { uploadPredictionId } from './upload-key';

/** How long a results file's download link works: long enough to click, short enough not to be passed around. */
export const DOWNLOAD_URL_SECONDS = 900;

const notFound = (error: unknown) =>
  (error as { name?: string }).name === 'NotFound' || (error as { name?: string }).name === 'NoSuchKey';

/** Who staged a part (`requested-by`), or undefined when there is no such part. */
async function partOwner(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.['requested-by'] ?? '';
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

/** Stages one part, refusing to write over a part someone else staged under the same batch id. */
export async function stagePart(
  s3: S3Client,
  bucket: string,
  part: { model: string; batchId: string; part: number; bytes: Uint8Array; owner: string },
): Promise<void> {
  const key = stagingKey(part.model, part.batchId, part.part);
  const owner = await partOwner(s3, bucket, key);
  if (owner !== undefined && owner !== part.owner)
    throw new ConflictError('batch-taken', 'Another caller uses this batch id: choose a new one (crypto.randomUUID()).');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: part.bytes, Metadata: { 'requested-by': part.owner } }));
}

/**
 * Writes the staged parts, in order, as one upload (streamed: never the whole file in memory), then deletes them.
 * Answers the upload's key and the prediction id its record will have (the same rule as every upload's: bucket,
 * key and ETag), so the caller can follow it through GET /v1/predictions/{id}.
 */
export async function completeBatch(
  s3: S3Client,
  bucket: string,
  batch: { model: string; batchId: string; parts: number; owner: string; metadata: Record<string, string> },
): Promise<{ inputKey: string; predictionId: string }> {
  const keys = Array.from({ length: batch.parts }, (_, i) => stagingKey(batch.model, batch.batchId, i));
  const owners = await Promise.all(keys.map((key) => partOwner(s3, bucket, key)));
  const missing = owners.flatMap((owner, i) => (owner === batch.owner ? [] : [i]));
  if (missing.length > 0)
    throw new InvalidInputError(
      'missing-part',
      `Part(s) ${missing.slice(0, 10).join(', ')} of batch ${batch.batchId} were not received: send them, then complete.`,
    );
  async function* bytes() {
    for (const key of keys) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      for await (const chunk of object.Body as Readable) yield chunk as Uint8Array;
    }
  }
  const inputKey = batchInputKey(batch.model, batch.batchId);
  const written = await new Upload({
    client: s3,
    params: {
      Bucket: bucket,
      Key: inputKey,
      Body: Readable.from(bytes()),
      ContentType: 'text/csv',
      Metadata: { ...batch.metadata, 'requested-by': batch.owner },
    },
  }).done();
  await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
  const eTag = (written.ETag ?? '').replaceAll('"', '');
  return { inputKey, predictionId: uploadPredictionId(bucket, inputKey, eTag) };
}

/**
 * A completed batch's upload as its sender sees it: its key and prediction id, or undefined when there is none,
 * or it is someone else's (the same answer: a batch id tells nothing about whose it is).
 */
export async function completedBatch(
  s3: S3Client,
  bucket: string,
  batch: { model: string; batchId: string; owner: string },
): Promise<{ inputKey: string; predictionId: string } | undefined> {
  const inputKey = batchInputKey(batch.model, batch.batchId);
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: inputKey }));
    if (head.Metadata?.['requested-by'] !== batch.owner) return undefined;
    return { inputKey, predictionId: uploadPredictionId(bucket, inputKey, (head.ETag ?? '').replaceAll('"', '')) };
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

/** What a head may read of a results file: 20 rows of even a wide table fit in it. */
const HEAD_BYTES = 1024 * 1024;

/**
 * The header and the first `rows` records of a results file, byte for byte as written (its dialect and line ends
 * kept), from its first MiB only. Records end at a line feed outside quotes; csv-parse's `raw` was tried and drops
 * the `\n` of a `\r\n` record end.
 */
export async function outputHead(s3: S3Client, bucket: string, key: string, rows: number): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${HEAD_BYTES - 1}` }));
  const text = (await object.Body?.transformToString('utf8')) ?? '';
  let quoted = false;
  let records = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === '\n' && !quoted && (records += 1) === rows + 1) return text.slice(0, i + 1);
  }
  return text;
}

/** A link that downloads the results file for `DOWNLOAD_URL_SECONDS`, named after the batch. */
export function downloadUrl(s3: S3Client, bucket: string, key: string, fileName: string): Promise<string> {
  return getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket: bucket,
      Key: key,
      ResponseContentDisposition: `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`,
    }),
    { expiresIn: DOWNLOAD_URL_SECONDS },
  );
}
