import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { storeTestKey } from '../support/api-key';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelStats, StatsFigures } from '../../functions/monitoring/stats';
import type { PredictionRecord } from '../../functions/records/records';
import { heldOutDigits, renderMnistPng } from '../../scripts/samples/mnist';
import { digitsMetadata, SERVED_DIGITS } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * #24 statistics on the real local platform: digits answered by production (the newest approved), by a canary (1.0.0) and by
 * version, refused pictures; iris single rows and a CSV batch through S3 with refused rows. The route's figures
 * per version and alias must equal what this test computes on its own from the stored records.
 */
const exec = promisify(execFile);
const key = TEST_SETTINGS.apiKey;
let t: TestPlatform;
let started: string;
const pictures: Buffer[] = [];
const setosa = '5.1,3.5,1.4,0.2';
const virginica = '6.9,3.1,5.4,2.1';

const api = (path: string, init: RequestInit = {}, apiKey = key) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': apiKey, ...(init.headers as Record<string, string>) } });
const predictDigits = (picture: Buffer, query = '') =>
  api(`/v1/models/digits/predict${query}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: picture });
const predictIris = (features: Record<string, number>) =>
  api('/v1/models/iris/predict', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ features }),
  });
const stats = async (model: string, query = '') => {
  const response = await api(`/v1/models/${model}/stats?from=${started}${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ModelStats;
};

/** The nearest-rank quantile, computed here from the records' own timings. */
const exact = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil(q * values.length)) - 1]!;

/** What the route should say of a set of records, worked out from the records alone. */
function expected(records: PredictionRecord[]) {
  let count = 0;
  let succeeded = 0;
  let rejected = 0;
  let failed = 0;
  let uncertain = 0;
  const errors: Record<string, number> = {};
  const labels: Record<string, number> = {};
  const latencies: number[] = [];
  for (const record of records) {
    const result = record.result;
    if (result && 'rows' in result) {
      count += result.rows;
      succeeded += result.succeededRows;
      rejected += result.rejectedRows;
      for (const [label, n] of Object.entries(record.answers?.labels ?? {})) labels[label] = (labels[label] ?? 0) + n;
      uncertain += record.answers?.uncertain ?? 0;
    } else {
      count += 1;
      if (record.status === 'succeeded') succeeded += 1;
      if (record.status === 'rejected') rejected += 1;
      if (record.status === 'failed') failed += 1;
      if (result && 'label' in result) {
        labels[result.label] = (labels[result.label] ?? 0) + 1;
        if (result.uncertain) uncertain += 1;
      }
    }
    if (record.error) errors[record.error.code] = (errors[record.error.code] ?? 0) + 1;
    if (record.processedRows === undefined) latencies.push(record.timings.totalMs);
  }
  const labelled = Object.values(labels).reduce((a, b) => a + b, 0);
  return {
    figures: { count, succeeded, rejected, failed, errors },
    labels: Object.fromEntries(Object.entries(labels).map(([label, n]) => [label, n / labelled])),
    uncertainShare: succeeded > 0 ? uncertain / succeeded : null,
    latency: latencies.length > 0 ? { p50: exact(latencies, 0.5), p95: exact(latencies, 0.95) } : null,
  };
}

function expectFigures(actual: StatsFigures, records: PredictionRecord[]) {
  const truth = expected(records);
  expect(actual).toMatchObject(truth.figures);
  expect(Object.keys(actual.labels ?? {}).sort()).toEqual(Object.keys(truth.labels).sort());
  for (const [label, share] of Object.entries(truth.labels)) expect(actual.labels![label]).toBeCloseTo(share, 3);
  if (truth.uncertainShare === null) expect(actual.uncertainShare).toBeNull();
  else expect(actual.uncertainShare).toBeCloseTo(truth.uncertainShare, 3);
  if (truth.latency === null) return expect(actual.latencyMs).toBeNull();
  // Within the histogram's 2 %, plus the route's rounding to 0.01 ms.
  expect(Math.abs(actual.latencyMs!.p50 - truth.latency.p50)).toBeLessThanOrEqual(truth.latency.p50 * 0.02 + 0.006);
  expect(Math.abs(actual.latencyMs!.p95 - truth.latency.p95)).toBeLessThanOrEqual(truth.latency.p95 * 0.02 + 0.006);
}

async function modelRecords(model: string): Promise<PredictionRecord[]> {
  return (await t.records()).filter((record) => record.model === model && record.createdAt >= started);
}

const seriesKey = (version: string | null | undefined, alias: string | null | undefined) => `${version ?? '-'}/${alias ?? '-'}`;

beforeAll(async () => {
  t = await startTestPlatform();
  started = new Date().toISOString();
  const samples = heldOutDigits(digitsMetadata().training.data.split).slice(0, 12);
  for (const sample of samples) pictures.push(await renderMnistPng(sample));
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

describe('statistics per version and alias', () => {
  it('equal what the records say: answers, refusals, errors, labels, latency, CSV batch rows', { timeout: 240_000 }, async () => {
    // Prepare: digits by production, by version, by a canary, and refused; iris rows, one refused, and a batch.
    for (const picture of pictures) expect((await predictDigits(picture)).status).toBe(200);
    for (const picture of pictures.slice(0, 4)) expect((await predictDigits(picture, '?version=1.0.0')).status).toBe(200);
    const canary = await api('/v1/models/digits/aliases/canary', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: '1.0.0', reason: 'statistics test', weight: 10 }),
    });
    expect(canary.status).toBe(200);
    // Routing follows a move within a second (D19); the refusals until then are records like any other.
    await eventually(async () => ((await predictDigits(pictures[0]!, '?alias=canary')).status === 200 ? true : undefined));
    for (const picture of pictures.slice(0, 5)) expect((await predictDigits(picture, '?alias=canary')).status).toBe(200);
    for (const junk of ['not a picture', 'GIF89a but not really']) {
      expect((await predictDigits(Buffer.from(junk))).status).toBe(400);
    }
    expect((await predictIris({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 })).status).toBe(200);
    expect((await predictIris({ sepal_length: 6.9, sepal_width: 3.1, petal_length: 5.4, petal_width: 2.1 })).status).toBe(200);
    expect((await predictIris({ sepal_length: 5.1 } as Record<string, number>)).status).toBe(400);
    const rows = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? '5.1,,1.4,0.2' : i % 3 === 0 ? virginica : setosa));
    const batchKey = 'incoming/iris/stats/batch.csv';
    await t.s3.send(
      new PutObjectCommand({
        Bucket: t.platform.uploadsBucket,
        Key: batchKey,
        Body: `sepal_length,sepal_width,petal_length,petal_width\n${rows.join('\n')}\n`,
      }),
    );
    await eventually(async () => {
      const batch = (await modelRecords('iris')).find((record) => record.inputKey === batchKey);
      return batch && (batch.status as string) !== 'running' ? batch : undefined;
    }, 120_000);

    for (const model of ['digits', 'iris']) {
      // Act: the route, per hour and per day.
      const records = await modelRecords(model);
      const hourly = await stats(model, '&interval=hour');
      const daily = await stats(model, '&interval=day');

      // Assess: one series per version and alias the records name, each as the records add up.
      const groups = new Map<string, PredictionRecord[]>();
      for (const record of records) {
        const group = seriesKey(record.modelVersion, record.alias);
        groups.set(group, [...(groups.get(group) ?? []), record]);
      }
      expect(hourly.series.map((s) => seriesKey(s.version, s.alias)).sort()).toEqual([...groups.keys()].sort());
      for (const series of hourly.series) {
        const own = groups.get(seriesKey(series.version, series.alias))!;
        expectFigures(series.total, own);
        expect(series.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(series.total.count);
        const day = daily.series.find((s) => s.version === series.version && s.alias === series.alias)!;
        expect(day.total).toEqual(series.total);
      }
    }
    const iris = await stats('iris');
    expect(iris.series.find((s) => s.total.rejected > 1)?.total).toMatchObject({ count: 303, rejected: 7, succeeded: 296 });
  });

  it('answers the CLI, and needs predictions:read', { timeout: 60_000 }, async () => {
    const { stdout } = await exec(process.execPath, ['bin/vigie.js', 'stats', 'digits', '--from', started, '--json'], {
      env: t.env,
    });
    expect((JSON.parse(stdout) as ModelStats).series.length).toBeGreaterThan(0);
    const text = (await exec(process.execPath, ['bin/vigie.js', 'stats', 'digits', '--from', started], { env: t.env })).stdout;
    expect(text).toMatch(/^digits: .* → /);
    expect(text).toMatch(new RegExp(`${SERVED_DIGITS.replaceAll('.', '\\.')} production: \\d+ prediction\\(s\\)`));

    const caller = 'vk_test_stats_without_read_0001';
    await storeTestKey(t.documents, caller, { name: 'caller', models: ['digits'], permissions: [] });
    expect((await api('/v1/models/digits/stats', {}, caller)).status).toBe(403);
    const week = new Date(Date.now() - 8 * 86_400_000).toISOString();
    expect(await (await api(`/v1/models/digits/stats?from=${week}`)).json()).toMatchObject({
      status: 400,
      code: 'invalid-query',
    });
    expect((await api(`/v1/models/digits/stats?from=${week}&interval=day`)).status).toBe(200);
  });
});
