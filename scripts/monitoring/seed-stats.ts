/**
 * The statistics route on a million records (#24, goal: p95 ≤ 200 ms for 30 days locally). Starts a scratch
 * local platform, makes 1,000,000 synthetic iris predictions over the last 30 days (four version/alias series,
 * refusals and failures, single requests and CSV batches of 1,000 rows), counts each with the records' own
 * `recordCounts`, and writes the sums through the statistics writer (`PredictionStats.add`, one UpdateItem per
 * slot and period: exactly the items those records would have left). Then times STATS_CALLS (100) GETs of
 * /v1/models/iris/stats over the 30 days per day (the goal), and over the last 7 days hour by hour (the longest
 * hourly range the route takes), and checks that the 30 days add up to the million.
 *   npx tsx scripts/monitoring/seed-stats.ts
 */
import {
  addStats,
  emptyCounts,
  recordCounts,
  slotOf,
  type StatsCounts,
  type StatsSlot,
} from '../../functions/records/prediction-stats';
import { createPredictionStats } from '../../functions/records/prediction-stats-dynamodb';
import type { PredictionRecord } from '../../functions/records/records';
import type { ModelStats } from '../../functions/monitoring/stats';
import { exitNotStarted } from '../local/platform';
import { startScratchPlatform } from '../local/scratch-platform';
import { measurementSettings } from '../local/settings';
import { percentiles } from '../bench/stats';

const RECORDS = Number(process.env.STATS_RECORDS ?? 1_000_000);
const CALLS = Number(process.env.STATS_CALLS ?? 100);
const DAYS = 30;
const BATCH_ROWS = 1_000;
const LABELS = ['setosa', 'versicolor', 'virginica'];

/** A seeded generator (mulberry32): the same million on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const next = random(24);
const pick = <T>(weighted: Array<[T, number]>): T => {
  let u = next();
  for (const [value, weight] of weighted) if ((u -= weight) < 0) return value;
  return weighted.at(-1)![0];
};

const SERIES: Array<[Pick<PredictionRecord, 'modelVersion' | 'alias'>, number]> = [
  [{ modelVersion: '1.0.0', alias: 'production' }, 0.7],
  [{ modelVersion: '1.1.0', alias: 'canary' }, 0.2],
  [{ modelVersion: '1.0.0' }, 0.08],
  [{}, 0.02],
];

function syntheticRecord(createdAt: string, batch: boolean): PredictionRecord {
  const series = pick(SERIES);
  const head = { predictionId: 'synthetic', requestId: 'synthetic', model: 'iris', createdAt, expiresAt: 0, ...series };
  const totalMs = Math.exp(2 + 0.6 * (next() + next() + next() - 1.5));
  const timings = { preprocessMs: 0, inferenceMs: totalMs / 2, totalMs };
  if (series.modelVersion === undefined) {
    return { ...head, source: 'http', status: 'rejected', error: { code: 'model-not-found', message: '' }, timings };
  }
  if (batch) {
    const rejectedRows = Math.floor(next() * 20);
    const labels: Record<string, number> = {};
    for (let row = 0; row < BATCH_ROWS - rejectedRows; row++) {
      const label = pick([
        [LABELS[0]!, 0.34],
        [LABELS[1]!, 0.33],
        [LABELS[2]!, 0.33],
      ]);
      labels[label] = (labels[label] ?? 0) + 1;
    }
    return {
      ...head,
      source: 's3',
      status: 'succeeded',
      processedRows: BATCH_ROWS,
      result: { kind: 'batch', rows: BATCH_ROWS, succeededRows: BATCH_ROWS - rejectedRows, rejectedRows },
      answers: { labels, uncertain: Math.floor((BATCH_ROWS - rejectedRows) * 0.05) },
      timings: { ...timings, totalMs: 4_000 },
    };
  }
  const outcome = pick<PredictionRecord['status']>([
    ['succeeded', 0.96],
    ['rejected', 0.03],
    ['failed', 0.01],
  ]);
  if (outcome !== 'succeeded') {
    const code = outcome === 'rejected' ? 'invalid-input' : 'internal';
    return { ...head, source: 'http', status: outcome, error: { code, message: '' }, timings };
  }
  const label = LABELS[Math.floor(next() * 3)]!;
  const uncertain = next() < 0.05;
  const result = { label, confidence: 0.9, probabilities: { [label]: 0.9 }, ...(uncertain && { uncertain: true as const }) };
  return { ...head, source: 'http', status: 'succeeded', result, timings };
}

/** The counters a million records leave, per slot, made by the records' own counting. */
function seedCounts(end: number): { slots: Map<string, { slot: StatsSlot; counts: StatsCounts }>; predictions: number } {
  const slots = new Map<string, { slot: StatsSlot; counts: StatsCounts }>();
  const start = end - DAYS * 86_400_000;
  let predictions = 0;
  while (predictions < RECORDS) {
    // One in ten predictions comes in a CSV batch of BATCH_ROWS rows.
    const batch = RECORDS - predictions >= BATCH_ROWS && next() < 0.1 / BATCH_ROWS / (0.9 + 0.1 / BATCH_ROWS);
    const record = syntheticRecord(new Date(start + next() * (end - start)).toISOString(), batch);
    const counts = recordCounts(record);
    predictions += counts.count;
    const slot = slotOf(record);
    const key = JSON.stringify(slot);
    const entry = slots.get(key) ?? { slot, counts: emptyCounts() };
    slots.set(key, { slot, counts: addStats(entry.counts, counts) });
  }
  return { slots, predictions };
}

const apiKey = 'stats-seed-key';
const t = await startScratchPlatform(measurementSettings('bench-and-load', apiKey)).catch(exitNotStarted);
try {
  const now = Date.now();
  const made = Date.now();
  const { slots, predictions } = seedCounts(now);
  const madeSeconds = (Date.now() - made) / 1000;
  const stats = createPredictionStats(t.documents, 'vigie-local-stats');
  const written = Date.now();
  const entries = [...slots.values()];
  for (let i = 0; i < entries.length; i += 16) {
    await Promise.all(entries.slice(i, i + 16).map(({ slot, counts }) => stats.add(slot, counts)));
  }
  console.log(
    `${predictions} predictions counted in ${madeSeconds.toFixed(1)} s; ${entries.length} items written in ` +
      `${((Date.now() - written) / 1000).toFixed(1)} s`,
  );
  const to = new Date(now).toISOString();
  for (const [interval, days] of [
    ['day', DAYS],
    ['hour', 7],
  ] as const) {
    const from = new Date(now - days * 86_400_000).toISOString();
    const url = `${t.http}/v1/models/iris/stats?from=${from}&to=${to}&interval=${interval}`;
    const get = async () => {
      const started = performance.now();
      const response = await fetch(url, { headers: { 'x-api-key': apiKey } });
      const body = (await response.json()) as ModelStats;
      if (response.status !== 200) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
      return { ms: performance.now() - started, body };
    };
    const { body } = await get(); // warms the function
    const total = body.series.reduce((sum, series) => sum + series.total.count, 0);
    if (days === DAYS && total !== predictions)
      throw new Error(`the route counts ${total} predictions, ${predictions} were seeded`);
    const samples: number[] = [];
    for (let call = 0; call < CALLS; call++) samples.push((await get()).ms);
    const { p50, p95 } = percentiles(samples);
    const buckets = body.series.reduce((sum, series) => sum + series.buckets.length, 0);
    console.log(
      `interval=${interval}: ${CALLS} calls over ${days} days (${body.series.length} series, ${buckets} buckets, ` +
        `${total} predictions): p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
    );
  }
} finally {
  await t.stop();
}
