import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduledDriftReport } from '../../functions/monitoring/drift-store';
import { driftReportKey, latestDriftReportKey } from '../../functions/monitoring/drift-store';
import type { PredictionRecord } from '../../functions/records/records';
import { IRIS_FEATURES, trainingIris } from '../../scripts/evaluation/iris-dataset';
import { baselineOf } from '../support/baseline-draws';
import { eventually, startTestPlatform, type TestPlatform } from '../support/platform';
import { savedQuery } from '../support/saved-queries';

/**
 * The scheduled drift run on the real local platform (#24): `vigie start`'s scheduler invokes the drift function
 * every few seconds here (minutes by default), which measures the window since its last run, writes the report
 * to the results bucket, and GET /v1/models/{model}/drift serves it.
 */
let t: TestPlatform;
const RESULTS = 'vigie-local-results';
const EVERY_MINUTES = 0.1;

beforeAll(async () => {
  t = await startTestPlatform({ driftEveryMinutes: EVERY_MINUTES });
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

/** Iris's training rows as a CSV upload, `sigmas` baseline standard deviations added to sepal_length. */
async function uploadIris(name: string, sigmas = 0): Promise<PredictionRecord> {
  const std = baselineOf('iris').features.find((feature) => feature.name === 'sepal_length')!.std!;
  const rows = trainingIris().map(([sepal, ...rest]) => [sepal + sigmas * std, ...rest.slice(0, 3)]);
  const key = `incoming/iris/drift/${name}.csv`;
  const csv = `${IRIS_FEATURES.join(',')}\n${rows.map((row) => row.join(',')).join('\n')}\n`;
  await t.s3.send(new PutObjectCommand({ Bucket: 'vigie-local-uploads', Key: key, Body: csv }));
  return eventually(async () => (await t.records()).find((r) => r.inputKey === key && r.bins), 120_000);
}

/** The first scheduled report whose window holds the record. */
const reportOf = (record: PredictionRecord) =>
  eventually(async () => {
    const latest = await stored(latestDriftReportKey('iris'));
    return latest && latest.window.from <= record.createdAt && record.createdAt <= latest.window.to ? latest : undefined;
  }, 180_000);

const savedRows = (name: string) => savedQuery(t, name).rows;

async function stored(key: string): Promise<ScheduledDriftReport | undefined> {
  try {
    const object = await t.s3.send(new GetObjectCommand({ Bucket: RESULTS, Key: key }));
    return JSON.parse(await object.Body!.transformToString()) as ScheduledDriftReport;
  } catch {
    return undefined;
  }
}

describe('the local scheduler', () => {
  it('writes a drift report of the rows sent, which the drift route then serves', { timeout: 240_000 }, async () => {
    const record = await uploadIris('training-rows');
    expect(record.bins!.rows).toBe(trainingIris().length);
    const report = await reportOf(record);
    expect(report).toMatchObject({ model: 'iris', version: '1.0.0', status: 'ok', alarm: false });
    expect(report.window.n).toBe(trainingIris().length);
    expect(report.history.at(-1)).toEqual({ to: report.window.to, status: 'ok' });
    expect(await stored(driftReportKey(report))).toEqual(report);

    // No record since: the route answers with the stored report itself.
    const response = await fetch(`${t.http}/v1/models/iris/drift`, { headers: { 'x-api-key': t.env.VIGIE_API_KEY! } });
    expect(response.status).toBe(200);
    const served = (await response.json()) as ScheduledDriftReport;
    // This report or a later run's (whose window is empty): one the scheduler stored, as it stored it.
    expect(served.window.to >= report.window.to).toBe(true);
    expect(await stored(driftReportKey(served))).toEqual(served);
  });

  it(
    'reports the drift of a shifted stream, naming the feature, and the saved queries show both',
    { timeout: 240_000 },
    async () => {
      const report = await reportOf(await uploadIris('sepal-length-up', 1.5));
      expect(report).toMatchObject({ model: 'iris', version: '1.0.0', status: 'drift', window: { n: trainingIris().length } });
      expect(report.features.filter((feature) => feature.breach).map((feature) => feature.name)).toContain('sepal_length');

      // The run's log line reaches the logs a moment after its report is stored (a worker thread's output goes
      // through serverless-offline's main thread): under load, a read right after the report can miss it.
      const reports = await eventually(async () => {
        const rows = savedRows('drift-reports');
        return rows.some((row) => row.model === 'iris' && row.status === 'drift') ? rows : undefined;
      }, 30_000).catch(() => savedRows('drift-reports'));
      expect(reports).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ model: 'iris', modelVersion: '1.0.0', status: 'ok', rows: 120, alarmed: 0 }),
          expect.objectContaining({
            model: 'iris',
            status: 'drift',
            rows: 120,
            breaching: expect.stringContaining('sepal_length'),
          }),
        ]),
      );
      const alarms = savedRows('drift-alarms');
      expect(alarms).toEqual([
        expect.objectContaining({ model: 'iris', modelVersion: '1.0.0', driftingWindows: 1, alarmedWindows: 0 }),
      ]);
      expect(alarms[0]!.worstPsiRatio as number).toBeGreaterThan(1);
    },
  );
});
