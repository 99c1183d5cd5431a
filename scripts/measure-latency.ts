/**
 * `npm run latency`: the spine's two user-facing latencies on the real local platform, measured in one run.
 *   - HTTP predict: POST /v1/models/digits/predict, sequential, keep-alive, after warm-up;
 *   - S3 path: PutObject of a digit until its record is readable in DynamoDB (polled every 5 ms), sequential.
 * Starts its own platform on the test ports with a fresh state folder; prints p50/p95/p99 and mean.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { uploadPredictionId } from '../functions/preprocess/process-upload';
import { buildFunctions } from './build';
import { startLocalPlatform } from './local/platform';
import { heldOutDigits, renderMnistPng, type SplitRule } from './mnist-samples';

const HTTP_REQUESTS = Number(process.env.LATENCY_HTTP_REQUESTS ?? 200);
const UPLOADS = Number(process.env.LATENCY_UPLOADS ?? 50);
const WARM_UP = 10;

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return `| ${name} | ${sorted.length} | ${at(0.5).toFixed(1)} | ${at(0.95).toFixed(1)} | ${at(0.99).toFixed(1)} | ${mean.toFixed(1)} |`;
}

const metadata = JSON.parse(readFileSync('models/digits/1.0.0/metadata.json', 'utf8'));
const digits = heldOutDigits(metadata.training.data.split as SplitRule);
const images = await Promise.all(digits.slice(0, 100).map(renderMnistPng));

await buildFunctions();
const settings = {
  httpPort: 3290,
  lambdaPort: 3292,
  s3Port: 4769,
  dynamodbPort: 8290,
  apiKey: 'latency-key',
  retryDelaysMs: [2_000, 4_000],
  stateDir: mkdtempSync(join(tmpdir(), 'vigie-latency-')),
};
const platform = await startLocalPlatform(settings);
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const s3 = new S3Client({
  endpoint: `http://127.0.0.1:${settings.s3Port}`,
  region: 'eu-west-3',
  forcePathStyle: true,
  credentials,
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: `http://127.0.0.1:${settings.dynamodbPort}`, region: 'eu-west-3', credentials }),
);

try {
  const predict = async (i: number) => {
    const response = await fetch(`http://127.0.0.1:${settings.httpPort}/v1/models/digits/predict`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'x-api-key': settings.apiKey },
      body: images[i % images.length],
    });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  for (let i = 0; i < WARM_UP; i += 1) await predict(i);
  const http: number[] = [];
  for (let i = 0; i < HTTP_REQUESTS; i += 1) {
    const started = performance.now();
    await predict(i);
    http.push(performance.now() - started);
  }

  const upload = async (i: number) => {
    const key = `incoming/digits/latency/${i}.png`;
    const started = performance.now();
    const put = await s3.send(
      new PutObjectCommand({ Bucket: platform.uploadsBucket, Key: key, Body: images[i % images.length] }),
    );
    const id = uploadPredictionId(platform.uploadsBucket, key, (put.ETag ?? '').replace(/"/g, ''));
    for (;;) {
      const { Item } = await documents.send(new GetCommand({ TableName: platform.tables[0], Key: { predictionId: id } }));
      if (Item) return performance.now() - started;
      if (performance.now() - started > 30_000) throw new Error(`No record for ${key}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  for (let i = 0; i < WARM_UP; i += 1) await upload(10_000 + i);
  const s3Path: number[] = [];
  for (let i = 0; i < UPLOADS; i += 1) s3Path.push(await upload(i));

  console.log(`\nVigie spine latency, local platform (serverless-offline + s3rver + dynalite), ${new Date().toISOString()}`);
  console.log('| path | n | p50 ms | p95 ms | p99 ms | mean ms |\n| --- | --- | --- | --- | --- | --- |');
  console.log(summary('HTTP predict (POST image/png → 200)', http));
  console.log(summary('S3 upload → record readable in DynamoDB', s3Path));
} finally {
  s3.destroy();
  documents.destroy();
  await platform.stop();
}
