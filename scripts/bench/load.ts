/**
 * `npm run load`: a bounded load test on loopback against a scratch local platform (its own ports and state).
 *   1. HTTP: LOAD_HTTP_REQUESTS (2,000) predictions at LOAD_CONCURRENCY (32) in flight;
 *   2. S3: LOAD_UPLOADS (1,000) uploads in bursts of LOAD_BURST (50), then waits for their records.
 * Prints throughput, latency percentiles and errors, and reconciles uploads with records (nothing lost, no
 * duplicate). Stops by itself after LOAD_DEADLINE_S (600) seconds at most, whatever happens.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { PredictionRecord } from '../../functions/records/records';
import { exitNotStarted } from '../local/platform';
import { startScratchPlatform } from '../local/scratch-platform';
import { measurementSettings } from '../local/settings';
import { markdownRow } from './stats';
import { failedRequests, runPredictLoop } from './predict-loop';
import { progressBar } from '../cli/progress';
import { heldOutDigitsOf, renderMnistPng } from '../samples/mnist';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const HTTP_REQUESTS = env('LOAD_HTTP_REQUESTS', 2_000);
const CONCURRENCY = env('LOAD_CONCURRENCY', 32);
const UPLOADS = env('LOAD_UPLOADS', 1_000);
const BURST = env('LOAD_BURST', 50);
const deadline = Date.now() + env('LOAD_DEADLINE_S', 600) * 1000;

const watchdog = setTimeout(() => {
  console.error('Load test deadline reached: stopping.');
  process.exit(1);
}, deadline - Date.now());
watchdog.unref();

const images = await Promise.all(heldOutDigitsOf().slice(0, 200).map(renderMnistPng));
const apiKey = 'load-test-key';
const t = await startScratchPlatform(measurementSettings('bench-and-load', apiKey)).catch(exitNotStarted);

try {
  // HTTP ------------------------------------------------------------------------------------------------
  const loop = { http: t.http, apiKey, images, concurrency: CONCURRENCY, deadline };
  process.stderr.write(`warming ${CONCURRENCY} workers…\n`);
  await runPredictLoop({ ...loop, count: CONCURRENCY });
  const httpBar = progressBar('HTTP predictions', HTTP_REQUESTS);
  const predictions = await runPredictLoop({ ...loop, count: HTTP_REQUESTS, onProgress: (done) => httpBar.update(done) });
  httpBar.stop();
  const { latencies, statuses, seconds: httpSeconds } = predictions;
  const httpErrors = failedRequests(predictions);

  // S3 --------------------------------------------------------------------------------------------------
  const putAt = new Map<string, number>();
  const s3Started = Date.now();
  const uploadBar = progressBar('S3 uploads', UPLOADS);
  for (let first = 0; first < UPLOADS && Date.now() < deadline; first += BURST) {
    await Promise.all(
      Array.from({ length: Math.min(BURST, UPLOADS - first) }, async (_, j) => {
        const key = `incoming/digits/load/${first + j}.png`;
        await t.s3.send(
          new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key, Body: images[(first + j) % images.length] }),
        );
        putAt.set(key, Date.now());
      }),
    );
    uploadBar.update(putAt.size);
  }
  uploadBar.stop();
  const recordBar = progressBar('records written', putAt.size);
  const recorded = (all: PredictionRecord[]) => all.filter((r) => putAt.has(r.inputKey ?? '')).length;
  let records = await t.records();
  while (recorded(records) < putAt.size && Date.now() < deadline) {
    recordBar.update(recorded(records));
    await t.platform.drained();
    await new Promise((resolve) => setTimeout(resolve, 500));
    records = await t.records();
  }
  recordBar.update(recorded(records));
  recordBar.stop();
  const mine = records.filter((r) => putAt.has(r.inputKey ?? ''));
  const s3Seconds = (Math.max(...mine.map((r) => Date.parse(r.createdAt) + r.timings.totalMs)) - s3Started) / 1000;
  const perKey = new Map<string, number>();
  for (const record of mine) perKey.set(record.inputKey!, (perKey.get(record.inputKey!) ?? 0) + 1);
  const uploadToRecord = mine.map((r) => Date.parse(r.createdAt) + r.timings.totalMs - (putAt.get(r.inputKey!) ?? 0));
  const statusCount = (status: string) => mine.filter((r) => r.status === status).length;

  console.log(`\nVigie load test, local platform on loopback, ${new Date().toISOString()}`);
  console.log('| path | n | p50 ms | p95 ms | p99 ms | mean ms | throughput /s | errors |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    markdownRow(`HTTP predict, concurrency ${CONCURRENCY}`, latencies, [
      (latencies.length / httpSeconds).toFixed(1),
      String(httpErrors),
    ]),
  );
  console.log(
    markdownRow(`S3 upload → record, bursts of ${BURST}`, uploadToRecord, [
      (mine.length / s3Seconds).toFixed(1),
      String(statusCount('failed') + statusCount('rejected')),
    ]),
  );
  console.log(`\nHTTP statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`);
  const lost = [...putAt.keys()].filter((key) => !perKey.has(key)).length;
  const duplicates = [...perKey.values()].filter((n) => n > 1).length;
  console.log(
    `Reconciliation: uploads ${putAt.size}, records ${mine.length}, succeeded ${statusCount('succeeded')}, duplicates ${duplicates}, lost ${lost}`,
  );
  process.exitCode = lost === 0 && duplicates === 0 && httpErrors === 0 ? 0 : 1;
} finally {
  await t.stop();
}
