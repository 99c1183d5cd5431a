import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../functions/records/records';
import { heldOutDigits, renderMnistPng } from '../../scripts/samples/mnist';
import { startChaosProxy, type ChaosProxy } from '../support/chaos-proxy';
import { digitsMetadata } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * Fault injection on the real local platform: the functions reach S3, DynamoDB and the infer function through
 * proxies that the tests make fail for a while. After recovery every upload must be accounted for: one record
 * each, with the right status, or a dead letter when the outage outlasted every retry.
 */
let t: TestPlatform;
const proxies: Record<'s3' | 'dynamodb' | 'lambda', ChaosProxy> = {} as never;
const sevens = heldOutDigits(digitsMetadata().training.data.split).filter((s) => s.label === '7');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  proxies.s3 = await startChaosProxy(TEST_SETTINGS.s3Port);
  proxies.dynamodb = await startChaosProxy(TEST_SETTINGS.dynamodbPort);
  proxies.lambda = await startChaosProxy(TEST_SETTINGS.lambdaPort);
  t = await startTestPlatform({
    functionPorts: { s3: proxies.s3.port, dynamodb: proxies.dynamodb.port, lambda: proxies.lambda.port },
  });
  // Warm the workers so the outages below hit running containers, not cold starts.
  await uploadBatch('warm-up', 2);
}, 180_000);

afterAll(async () => {
  await t?.stop();
  await Promise.all(Object.values(proxies).map((proxy) => proxy?.close()));
});

async function uploadBatch(prefix: string, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `incoming/digits/${prefix}/${i}.png`);
  await Promise.all(
    keys.map(async (key, i) =>
      t.s3.send(
        new PutObjectCommand({
          Bucket: t.platform.uploadsBucket,
          Key: key,
          Body: await renderMnistPng(sevens[i % sevens.length]!),
        }),
      ),
    ),
  );
  return keys;
}

/** Waits until every key has a record in `status` and the platform has finished delivering; one record each. */
async function accountedFor(keys: string[], status: PredictionRecord['status']): Promise<PredictionRecord[]> {
  const records = await eventually(async () => {
    const found = (await t.records()).filter((record) => keys.includes(record.inputKey ?? ''));
    return found.length === keys.length && found.every((record) => record.status === status) ? found : undefined;
  }, 30_000);
  await t.platform.drained();
  const again = (await t.records()).filter((record) => keys.includes(record.inputKey ?? ''));
  expect(again).toHaveLength(keys.length);
  return records;
}

/** Rejects when `promise` has not settled within `ms`, saying what did not happen. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A transient outage: the service is cut off while `during` uploads, and restored `ms` after a function first met
 * the cut. Timed from that moment, not from the end of the uploads (which take seconds on a loaded machine): the
 * outage then always hits a first attempt and always ends before the retries, 500 + 1,500 ms later, run out.
 */
async function outage(proxy: ChaosProxy, ms: number, during: () => Promise<string[]>): Promise<string[]> {
  const restored = proxy
    .nextRefusal()
    .then(() => sleep(ms))
    .then(() => proxy.fail(false));
  proxy.fail(true);
  const keys = await during();
  await within(restored, 30_000, 'No function met the outage');
  return keys;
}

/**
 * An outage longer than every retry: the service stays cut off until each upload has been given up on (its dead
 * letter written after the last attempt), however long the attempts take on a loaded machine.
 */
async function outageUntilGivenUp(proxy: ChaosProxy, during: () => Promise<string[]>): Promise<string[]> {
  proxy.fail(true);
  try {
    const keys = await during();
    await eventually(async () => (deadLetters(keys).length === keys.length ? true : undefined), 30_000);
    return keys;
  } finally {
    proxy.fail(false);
  }
}

/** The dead letters of these keys, found as an operator would: by the SHA-256 of each key. */
function deadLetters(keys: string[]) {
  const folder = join(t.env.VIGIE_STATE_DIR!, 'dead-letters');
  const hashes = new Set(keys.map((key) => createHash('sha256').update(key).digest('hex')));
  return readdirSync(folder)
    .map((file) => ({ file, text: readFileSync(join(folder, file), 'utf8') }))
    .filter(({ text }) => hashes.has((JSON.parse(text) as { keySha256: string }).keySha256));
}

describe('transient faults: retried until every upload succeeds', () => {
  it('survives the infer function being unreachable for a while', async () => {
    const keys = await outage(proxies.lambda, 1_000, () => uploadBatch('infer-down', 5));
    const records = await accountedFor(keys, 'succeeded');
    expect(records.every((record) => record.result !== undefined)).toBe(true);
  }, 60_000);

  it('answers HTTP predictions while the infer function is unreachable: predict runs the model itself', async () => {
    proxies.lambda.fail(true);
    const response = await fetch(`${t.http}/v1/models/digits/predict`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'x-api-key': TEST_SETTINGS.apiKey },
      body: await renderMnistPng(sevens[0]!),
    });
    proxies.lambda.fail(false);
    const body = (await response.json()) as { predictionId: string; result: { label: string } };
    expect(response.status).toBe(200);
    expect(body.result.label).toBe('7');
    // The record was written before the answer.
    const record = (await t.records()).find((item) => item.predictionId === body.predictionId);
    expect(record).toMatchObject({ source: 'http', status: 'succeeded' });
  }, 30_000);

  it('survives DynamoDB being unreachable for a while', async () => {
    const keys = await outage(proxies.dynamodb, 1_000, () => uploadBatch('dynamodb-down', 5));
    await accountedFor(keys, 'succeeded');
  }, 60_000);

  it('survives S3 reads failing for a while', async () => {
    const keys = await outage(proxies.s3, 1_000, () => uploadBatch('s3-down', 5));
    await accountedFor(keys, 'succeeded');
  }, 60_000);
});

describe('an outage longer than every retry', () => {
  it('leaves a failed record and a dead letter for each upload when infer stays down', async () => {
    const keys = await outageUntilGivenUp(proxies.lambda, () => uploadBatch('long-infer', 3));
    await accountedFor(keys, 'failed');
    const letters = deadLetters(keys);
    expect(letters).toHaveLength(3);
    // People put names in keys: a dead letter names its object by hash only, in its file name and its content.
    for (const { file, text } of letters) {
      expect(file).not.toContain('long-infer');
      expect(text).not.toContain('long-infer');
      expect(JSON.parse(text)).toMatchObject({ bucket: t.platform.uploadsBucket, attempts: 3 });
    }
  }, 60_000);

  // Also the proof that the functions really go through the S3 and DynamoDB proxies of the tests above.
  it.each(['s3', 'dynamodb'] as const)(
    'keeps a dead letter for each upload when %s stays down, to replay later',
    async (service) => {
      const keys = await outageUntilGivenUp(proxies[service], () => uploadBatch(`long-${service}`, 2));
      await t.platform.drained();
      const records = (await t.records()).filter((record) => keys.includes(record.inputKey ?? ''));
      // DynamoDB down: nothing could be written. S3 down: the upload could not even be read.
      expect(records).toHaveLength(0);
    },
    60_000,
  );
});
