/**
 * What the local platform costs with no model in the way, to read (e) and (f) against: the HTTP hop on a light
 * route, the Lambda Invoke hop on a request the infer function refuses at once, and the ceiling the storage
 * emulators alone put on the S3 path.
 */
import { performance } from 'node:perf_hooks';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ScratchPlatform } from '../local/scratch-platform';
import { LOCAL_CREDENTIALS } from '../local/settings';
import { timeRuns, type Run } from './measure';

/**
 * (e₀) GET /v1/models/<model>: serverless-offline's HTTP hop, the API key check and a small JSON answer. With
 * `pauseMs` (e₀ᵖ), each request follows a pause of that long, as each hop of (e) follows the model's work.
 */
export function measureHttpHop(t: ScratchPlatform, apiKey: string, model: string, count: number, warmUp: number, pauseMs = 0) {
  const hop = async () => {
    const response = await fetch(`${t.http}/v1/models/${model}`, { headers: { 'x-api-key': apiKey } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  };
  return timeRuns(count, warmUp, hop, { pauseMs });
}

/** (e₁) Invoke of the infer function with an empty request, which it refuses before any model work. */
export async function measureInvokeHop(t: ScratchPlatform, count: number, warmUp: number): Promise<Run> {
  const lambda = new LambdaClient({
    endpoint: `http://127.0.0.1:${t.platform.settings.lambdaPort}`,
    region: LOCAL_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    return await timeRuns(count, warmUp, async () => {
      const answer = await lambda.send(new InvokeCommand({ FunctionName: 'vigie-local-infer', Payload: Buffer.from('{}') }));
      const body = JSON.parse(Buffer.from(answer.Payload ?? []).toString('utf8')) as { ok?: boolean };
      if (answer.FunctionError || body.ok !== false) throw new Error('infer did not refuse the empty request');
    });
  } finally {
    lambda.destroy();
  }
}

/**
 * (f₀) The storage work of one upload, with no function: PutObject and GetObject of the input on s3rver, PutItem
 * and GetItem of a record on dynalite. Latency one upload at a time; throughput from a burst of `burst` at once.
 * The keys lie outside incoming/, so no notification fires.
 */
export async function measureStorageCeiling(
  t: ScratchPlatform,
  inputs: Buffer[],
  count: number,
  burst: number,
  warmUp: number,
): Promise<Run> {
  const table = t.platform.tables[0]!;
  const bucket = t.platform.uploadsBucket;
  const storeOne = async (name: string, body: Buffer) => {
    const key = `bench-storage/${name}`;
    await t.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const object = await t.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await object.Body?.transformToByteArray();
    const item = { predictionId: `bench-storage-${name}`, status: 'succeeded', source: 's3', inputKey: key };
    await t.documents.send(new PutCommand({ TableName: table, Item: item }));
    await t.documents.send(new GetCommand({ TableName: table, Key: { predictionId: item.predictionId } }));
  };
  const run = await timeRuns(count, warmUp, (i) => storeOne(`seq-${i}`, inputs[i % inputs.length]!));
  const started = performance.now();
  await Promise.all(Array.from({ length: burst }, (_, i) => storeOne(`burst-${i}`, inputs[i % inputs.length]!)));
  return { ...run, throughputPerSecond: burst / ((performance.now() - started) / 1000) };
}
