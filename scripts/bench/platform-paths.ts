/** Path (f), through the local platform: S3 upload → record ((e) is measured beside the peer, peer.ts). */
import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { uploadPredictionId } from '../../functions/uploads/upload-key';
import type { ScratchPlatform } from '../local/scratch-platform';
import { uploadUntilRecorded } from './upload-to-record';
import { timeRuns, type Run } from './measure';
import { extensionOf } from './predict-loop';

/** Resolves when every id has a record, checking after each drain of the S3 notifications. */
async function waitForRecords(t: ScratchPlatform, ids: string[], timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const missing = new Set(ids);
  const table = t.platform.tables[0]!;
  while (missing.size > 0) {
    if (performance.now() > deadline) throw new Error(`${missing.size} uploads have no record after ${timeoutMs} ms`);
    await t.platform.drained();
    const waiting = [...missing];
    for (let first = 0; first < waiting.length; first += 100) {
      const keys = waiting.slice(first, first + 100).map((predictionId) => ({ predictionId }));
      const answer = await t.documents.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'predictionId' } } }),
      );
      for (const item of answer.Responses?.[table] ?? []) missing.delete(String(item.predictionId));
    }
    if (missing.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Uploads `count` inputs at once under `prefix`; resolves with their prediction ids once every record exists. */
async function uploadBurst(t: ScratchPlatform, model: string, inputs: Buffer[], prefix: string, count: number) {
  const ids = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const body = inputs[i % inputs.length]!;
      const key = `incoming/${model}/bench/${prefix}-${i}.${extensionOf(body)}`;
      const put = await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key, Body: body }));
      return uploadPredictionId(t.platform.uploadsBucket, key, (put.ETag ?? '').replace(/"/g, ''));
    }),
  );
  await waitForRecords(t, ids);
}

/**
 * (f) upload → record readable in DynamoDB: latency one upload at a time; throughput from a burst of `burst`
 * uploads at once, as the platform's S3 notifications drain them (up to its delivery concurrency in parallel).
 * The sequential uploads warm one worker per function only; a first unmeasured burst warms every delivery slot,
 * so the timed burst measures the steady state (cold starts have their own table), not up to three cold starts.
 */
export async function measureS3Path(
  t: ScratchPlatform,
  model: string,
  inputs: Buffer[],
  count: number,
  burst: number,
  warmUp: number,
): Promise<Run> {
  const run = await timeRuns(count, warmUp, (i) => {
    const body = inputs[i % inputs.length]!;
    return uploadUntilRecorded(t, `incoming/${model}/bench/seq-${i}.${extensionOf(body)}`, body);
  });
  await uploadBurst(t, model, inputs, 'warm-burst', 2 * t.platform.settings.deliveryConcurrency);
  const started = performance.now();
  await uploadBurst(t, model, inputs, 'burst', burst);
  return { ...run, throughputPerSecond: burst / ((performance.now() - started) / 1000) };
}
