/**
 * `npm run latency`: the spine's two user-facing latencies on the real local platform, measured in one run.
 *   - HTTP predict: POST /v1/models/digits/predict, sequential, keep-alive, after warm-up;
 *   - S3 path: PutObject of a digit until its record is readable in DynamoDB (polled every 5 ms), sequential.
 * Starts its own platform on its own ports with a fresh state folder; prints p50/p95/p99 and mean.
 */
import { exitNotStarted } from '../local/platform';
import { startScratchPlatform } from '../local/scratch-platform';
import { measurementSettings } from '../local/settings';
import { markdownRow } from './stats';
import { failedRequests, runPredictLoop } from './predict-loop';
import { progressBar } from '../cli/progress';
import { uploadUntilRecorded } from './upload-to-record';
import { heldOutDigitsOf, renderMnistPng } from '../samples/mnist';

const HTTP_REQUESTS = Number(process.env.LATENCY_HTTP_REQUESTS ?? 200);
const UPLOADS = Number(process.env.LATENCY_UPLOADS ?? 50);
const WARM_UP = 10;

const images = await Promise.all(heldOutDigitsOf().slice(0, 100).map(renderMnistPng));
const apiKey = 'latency-key';
const t = await startScratchPlatform(measurementSettings('latency', apiKey)).catch(exitNotStarted);

try {
  const loop = { http: t.http, apiKey, images, concurrency: 1 };
  await runPredictLoop({ ...loop, count: WARM_UP });
  const httpBar = progressBar('HTTP predictions', HTTP_REQUESTS);
  const predictions = await runPredictLoop({ ...loop, count: HTTP_REQUESTS, onProgress: (done) => httpBar.update(done) });
  httpBar.stop();
  if (failedRequests(predictions) > 0) throw new Error(`HTTP statuses other than 200: ${[...predictions.statuses].join(' ')}`);
  const http = predictions.latencies;

  const upload = (i: number) => uploadUntilRecorded(t, `incoming/digits/latency/${i}.png`, images[i % images.length]!);
  for (let i = 0; i < WARM_UP; i += 1) await upload(10_000 + i);
  const s3Path: number[] = [];
  const uploadBar = progressBar('S3 upload→record', UPLOADS);
  for (let i = 0; i < UPLOADS; i += 1) {
    s3Path.push(await upload(i));
    uploadBar.update(s3Path.length);
  }
  uploadBar.stop();

  console.log(`\nVigie spine latency, local platform (serverless-offline + s3rver + dynalite), ${new Date().toISOString()}`);
  console.log('| path | n | p50 ms | p95 ms | p99 ms | mean ms |\n| --- | --- | --- | --- | --- | --- |');
  console.log(markdownRow('HTTP predict (POST image/png → 200)', http));
  console.log(markdownRow('S3 upload → record readable in DynamoDB', s3Path));
} finally {
  await t.stop();
}
