import { describe, expect, it } from 'vitest';
import { recordCounts, slotOf, type PredictionStats } from '../../functions/records/prediction-stats';
import { createMemoryErasureLedger } from '../../functions/records/erasure-ledger-memory';
import { storeRecord } from '../../functions/serving/prediction-record';
import { createMemoryPredictionStats } from '../../functions/records/prediction-stats-memory';
import { AnswerTally } from '../../functions/records/answer-counts';
import { bucketOf } from '../../functions/records/log-histogram';
import type { PredictionRecord } from '../../functions/records/records';
import { modelStats, versionFigures } from '../../functions/monitoring/stats';

let next = 0;
function record(fields: Partial<PredictionRecord>): PredictionRecord {
  next += 1;
  return {
    predictionId: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    requestId: 'r',
    source: 'http',
    model: 'iris',
    modelVersion: '1.0.0',
    alias: 'production',
    status: 'succeeded',
    timings: { preprocessMs: 0, inferenceMs: 1, totalMs: 10 },
    createdAt: '2026-12-03T10:15:00.000Z',
    expiresAt: 0,
    ...fields,
  };
}

const answer = (label: string, uncertain = false) => ({
  label,
  confidence: 0.9,
  probabilities: { [label]: 0.9 },
  ...(uncertain && { uncertain: true as const, reason: 'low-confidence' as const }),
});

describe('what a record counts', () => {
  it('counts a single answer, its latency, label and uncertainty', () => {
    const counts = recordCounts(record({ result: answer('setosa', true) }));
    expect(counts).toMatchObject({ count: 1, succeeded: 1, rejected: 0, failed: 0, uncertain: 1, labels: { setosa: 1 } });
    expect(counts.latency).toEqual({ [bucketOf(10)]: 1 });
  });

  it('counts a refusal and a failure by their code', () => {
    const rejected = recordCounts(record({ status: 'rejected', error: { code: 'invalid-input', message: '' } }));
    expect(rejected).toMatchObject({ count: 1, rejected: 1, errors: { 'invalid-input': 1 } });
    const failed = recordCounts(record({ status: 'failed', error: { code: 'internal', message: '' } }));
    expect(failed).toMatchObject({ count: 1, failed: 1, errors: { internal: 1 } });
  });

  it('counts a CSV batch by its rows and their answers, without its run as a latency', () => {
    const tally = new AnswerTally();
    for (const score of [0.1, 0.2, 0.9]) tally.add({ anomaly: score > 0.5 ? 1 : 0, score });
    tally.add(undefined);
    const batch = record({
      source: 's3',
      processedRows: 4,
      result: { kind: 'batch', rows: 4, succeededRows: 3, rejectedRows: 1 },
      ...tally.fields(),
      timings: { preprocessMs: 0, inferenceMs: 100, totalMs: 5_000 },
    });
    const counts = recordCounts(batch);
    expect(counts).toMatchObject({ count: 4, succeeded: 3, rejected: 1, labels: { normal: 2, anomaly: 1 }, latency: {} });
    expect(Object.values(counts.scores).reduce((a, b) => a + b, 0)).toBe(3);
  });
});

describe('statistics over a range', () => {
  it('adds hours up per version and alias, per hour or day, and per version for a period', async () => {
    const stats = createMemoryPredictionStats();
    const written = [
      record({ result: answer('setosa'), createdAt: '2026-12-03T10:05:00.000Z' }),
      record({
        result: answer('versicolor', true),
        createdAt: '2026-12-03T11:05:00.000Z',
        timings: { preprocessMs: 0, inferenceMs: 0, totalMs: 30 },
      }),
      record({ alias: 'canary', modelVersion: '1.1.0', result: answer('setosa'), createdAt: '2026-12-03T11:10:00.000Z' }),
      record({ modelVersion: undefined, alias: undefined, status: 'rejected', error: { code: 'invalid-input', message: '' } }),
      record({ createdAt: '2026-12-04T00:00:00.000Z', result: answer('setosa') }),
    ];
    for (const r of written) await stats.add(slotOf(r), recordCounts(r));

    const hourly = await modelStats(stats, 'iris', { from: '2026-12-03T10:30:00Z', to: '2026-12-03T11:59:00Z' }, 'hour');
    expect(hourly.from).toBe('2026-12-03T10:00:00.000Z');
    expect(hourly.to).toBe('2026-12-03T12:00:00.000Z');
    expect(hourly.series.map((s) => [s.version, s.alias, s.total.count])).toEqual([
      ['1.0.0', 'production', 2],
      ['1.1.0', 'canary', 1],
      [null, null, 1],
    ]);
    const production = hourly.series[0]!;
    expect(production.buckets.map((b) => [b.start, b.count])).toEqual([
      ['2026-12-03T10:00:00.000Z', 1],
      ['2026-12-03T11:00:00.000Z', 1],
    ]);
    expect(production.total.labels).toEqual({ setosa: 0.5, versicolor: 0.5 });
    expect(production.total.uncertainShare).toBe(0.5);
    expect(production.total.latencyMs!.p95).toBeCloseTo(30, -0.5);
    expect(hourly.series[2]!.total).toMatchObject({ rejected: 1, errors: { 'invalid-input': 1 }, uncertainShare: null });

    const daily = await modelStats(stats, 'iris', { from: '2026-12-03T00:00:00Z', to: '2026-12-04T23:00:00Z' }, 'day');
    expect(daily.series[0]!.buckets.map((b) => [b.start, b.count])).toEqual([
      ['2026-12-03T00:00:00.000Z', 2],
      ['2026-12-04T00:00:00.000Z', 1],
    ]);

    const period = await versionFigures(stats, 'iris', { from: '2026-12-01T00:00:00Z', to: '2026-12-31T23:59:59Z' });
    expect(period.map((v) => [v.version, v.count, v.rejectionRate])).toEqual([
      ['1.0.0', 3, 0],
      ['1.1.0', 1, 0],
      [null, 1, 1],
    ]);
  });
});

describe('counting as records are written', () => {
  const sink = (stats: PredictionStats, written = true) => {
    const reported: PredictionRecord[] = [];
    return {
      reported,
      store: { put: async () => written, get: async () => undefined, delete: async () => undefined },
      erasures: createMemoryErasureLedger(),
      stats,
      report: (r: PredictionRecord) => void reported.push(r),
    };
  };

  it('never fails a prediction for its statistics', async () => {
    const failing: PredictionStats = {
      add: () => Promise.reject(new Error('stats table unavailable')),
      read: () => createMemoryPredictionStats().read('iris', 'hour', '', ''),
    };
    const target = sink(failing);
    const r = record({ result: answer('setosa') });
    await expect(storeRecord(target, r, new Date())).resolves.toEqual({ written: true, erased: false });
    expect(target.reported).toEqual([r]);
  });

  it('counts a written record once, and takes back a duplicate the store refused', async () => {
    const stats = createMemoryPredictionStats();
    const r = record({ result: answer('setosa') });
    await storeRecord(sink(stats), r, new Date());
    await storeRecord(sink(stats, false), r, new Date());
    const [series] = (await modelStats(stats, 'iris', { from: r.createdAt, to: r.createdAt }, 'hour')).series;
    expect(series!.total).toMatchObject({ count: 1, succeeded: 1, labels: { setosa: 1 } });
  });
});
