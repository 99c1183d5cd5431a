/**
 * What counting a prediction in the statistics costs the prediction path (#24): `storeRecord` (the one record
 * write every path makes) against the local DynamoDB, with the real statistics writer and with one that writes
 * nothing, alternated, STATS_WRITES (500) records each. Prints p50/p95 of both.
 *   npx tsx scripts/monitoring/stats-write-cost.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createErasureLedger } from '../../functions/records/erasure-ledger-dynamodb';
import { createPredictionStats } from '../../functions/records/prediction-stats-dynamodb';
import type { PredictionStats } from '../../functions/records/prediction-stats';
import { createPredictionStore } from '../../functions/records/records-dynamodb';
import { storeRecord } from '../../functions/serving/prediction-record';
import { ensureTables, startDynamoDB } from '../local/emulators';
import { readStackResources } from '../local/stack-resources';
import { LOCAL_CREDENTIALS } from '../local/settings';
import { percentiles } from '../bench/stats';

const WRITES = Number(process.env.STATS_WRITES ?? 500);
const port = Number(process.env.VIGIE_DYNAMODB_PORT ?? 8391);
const resources = await readStackResources(process.env);
const server = await startDynamoDB({ port, directory: mkdtempSync(join(tmpdir(), 'vigie-stats-cost-')) });
await ensureTables(`http://127.0.0.1:${port}`, resources.tables);
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: 'any', secretAccessKey: 'thing' },
  }),
);
const env = resources.functionEnvironment;
const sink = (stats: PredictionStats) => ({
  store: createPredictionStore(documents, env.PREDICTIONS_TABLE!),
  erasures: createErasureLedger(documents, env.ERASURES_TABLE!),
  stats,
  report: () => undefined,
});
const counting = sink(createPredictionStats(documents, env.STATS_TABLE!));
const silent = sink({ add: async () => undefined, read: async function* () {} });

const samples = { counting: [] as number[], silent: [] as number[] };
for (let i = 0; i < 2 * WRITES + 20; i++) {
  const now = new Date();
  const record = {
    predictionId: randomUUID(),
    requestId: 'cost',
    source: 'http' as const,
    model: 'digits',
    modelVersion: '1.1.0',
    alias: 'production',
    status: 'succeeded' as const,
    result: { label: String(i % 10), confidence: 0.9, probabilities: { [String(i % 10)]: 0.9 } },
    timings: { preprocessMs: 1, inferenceMs: 2, totalMs: 3 + (i % 7) },
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + 86_400,
  };
  const which = i % 2 === 0 ? 'counting' : 'silent';
  const started = performance.now();
  await storeRecord(which === 'counting' ? counting : silent, record, now);
  if (i >= 20) samples[which].push(performance.now() - started);
}
for (const [name, values] of Object.entries(samples)) {
  const { n, p50, p95 } = percentiles(values);
  console.log(
    `storeRecord ${name === 'counting' ? 'with statistics   ' : 'without statistics'}: n=${n} p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`,
  );
}
documents.destroy();
server.close();
