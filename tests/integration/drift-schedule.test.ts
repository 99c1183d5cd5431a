import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduledDriftReport } from '../../functions/monitoring/drift-store';
import { driftReportKey, latestDriftReportKey } from '../../functions/monitoring/drift-store';
import type { PredictionRecord } from '../../functions/records/records';
import { IRIS_FEATURES, trainingIris } from '../../scripts/evaluation/iris-dataset';
import { eventually, startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * The scheduled drift run on the real local platform (#24): `vigie start`'s scheduler invokes the drift function
 * every few seconds here (minutes by default), which measures the window since its last run, writes the report
 * to the results bucket, and GET /v1/models/{model}/drift serves it.
 */
let t: TestPlatform;
const RESULTS = 'vigie-local-results';
const EVERY_MINUTES = 0.25;

beforeAll(async () => {
  t = await startTestPlatform({ driftEveryMinutes: EVERY_MINUTES });
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

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
    const rows = trainingIris();
    const csv = `${IRIS_FEATURES.join(',')}\n${rows.map((row) => row.slice(0, 4).join(',')).join('\n')}\n`;
    const key = 'incoming/iris/drift/training-rows.csv';
    await t.s3.send(new PutObjectCommand({ Bucket: 'vigie-local-uploads', Key: key, Body: csv }));
    const record = await eventually<PredictionRecord>(
      async () => (await t.records()).find((r) => r.inputKey === key && r.bins),
      120_000,
    );
    expect(record.bins!.rows).toBe(rows.length);

    // The first scheduled window that holds the batch's record.
    const report = await eventually(async () => {
      const latest = await stored(latestDriftReportKey('iris'));
      return latest && latest.window.n === rows.length ? latest : undefined;
    }, 180_000);
    expect(report).toMatchObject({ model: 'iris', version: '1.0.0', status: 'ok', alarm: false });
    expect(report.window.from <= record.createdAt && record.createdAt <= report.window.to).toBe(true);
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
});
