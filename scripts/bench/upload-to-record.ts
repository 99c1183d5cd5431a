import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { uploadPredictionId } from '../../functions/uploads/upload-key';
import type { ScratchPlatform } from '../local/scratch-platform';

/**
 * Uploads `body` under `key` and waits until its prediction record is readable in DynamoDB, polling every
 * `pollMs`; returns the milliseconds from the upload's start to the record. The record id is the one the
 * preprocess function derives from bucket, key and ETag.
 */
export async function uploadUntilRecorded(
  t: ScratchPlatform,
  key: string,
  body: Uint8Array,
  { pollMs = 5, timeoutMs = 30_000 } = {},
): Promise<number> {
  const started = performance.now();
  const put = await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key, Body: body }));
  const id = uploadPredictionId(t.platform.uploadsBucket, key, (put.ETag ?? '').replace(/"/g, ''));
  for (;;) {
    const { Item } = await t.documents.send(new GetCommand({ TableName: t.platform.tables[0], Key: { predictionId: id } }));
    if (Item) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`No record for ${key}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
