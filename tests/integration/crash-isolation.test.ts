import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * One bad file must never take the platform down (#20.1): on one real local platform, hostile CSV batches, a
 * training whose outcome cannot be stored, a training with a class named `__proto__` and a function that throws
 * are sent while an HTTP predict and a good batch are in flight. Every upload ends with a final record, the
 * predict is answered, and serverless-offline is never restarted (same pid, no restart counted).
 */
const key = TEST_SETTINGS.apiKey;
const IRIS = 'sepal_length,sepal_width,petal_length,petal_width';
const SENSORS =
  'datetime,Accelerometer1RMS,Accelerometer2RMS,Current,Pressure,Temperature,Thermocouple,Voltage,Volume Flow RateRMS';
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers as Record<string, string>) } });

/** Key → the final record each upload must end with. */
const batches: Array<{ key: string; body: string | Buffer; final: { status: string; code?: string } }> = [
  {
    key: 'incoming/iris/crash/quote.csv',
    body: `name,${IRIS}\nJean "JJ" Dupont,5.1,3.5,1.4,0.2\n`,
    final: { status: 'rejected', code: 'invalid-csv' },
  },
  {
    key: 'incoming/iris/crash/json.csv',
    body: JSON.stringify({ rows: [{ sepal_length: 5.1 }] }),
    final: { status: 'rejected', code: 'invalid-csv' },
  },
  { key: 'incoming/iris/crash/binary.csv', body: Buffer.from([0, 159, 146, 150, 0, 10, 255, 0]), final: { status: 'rejected' } },
  { key: 'incoming/iris/crash/gzip.csv', body: gzipSync(`${IRIS}\n5.1,3.5,1.4,0.2\n`), final: { status: 'rejected' } },
  {
    key: 'incoming/iris/crash/huge-numbers.csv',
    body: `${IRIS}\n9007199254740993,3.5,1.4,0.2\n3.5e38,3.5,1.4,0.2\n5.1,3.5,1.4,0.2\n`,
    final: { status: 'succeeded' },
  },
  {
    key: 'incoming/sensor-anomaly/crash/long-times.csv',
    body: [SENSORS, ...Array.from({ length: 100 }, () => `${'x'.repeat(4500)},0.2,0.3,1,0.05,70,25,230,32`)].join('\n'),
    final: { status: 'succeeded' },
  },
  {
    key: 'incoming/iris/crash/long-line.csv',
    body: `${IRIS}\n${'12,'.repeat(600_000)}1\n`,
    final: { status: 'rejected', code: 'record-too-large' },
  },
];
const GOOD = 'incoming/iris/crash/good.csv';
const goodRows = Array.from({ length: 20_000 }, (_, i) => `5.${i % 10},3.5,1.4,0.2`);

/** A table whose data report (50 KB category values) is over what DynamoDB keeps in one item. */
const unstorable = [
  'colour,size,y',
  ...Array.from({ length: 40 }, (_, i) => `${String(i % 10).repeat(50_000)},${i % 7},${i % 2 ? 'p' : 'q'}`),
].join('\n');
const proto = [
  'a,b,y',
  ...Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2 ? '__proto__' : 'constructor'}`),
].join('\n');

async function training(model: string, csv: string): Promise<string> {
  const response = await api(`/v1/models/${model}/trainings?target=y&timeBudgetSeconds=5`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { trainingId: string }).trainingId;
}

describe('a bad file never takes the platform down', () => {
  it('ends every upload with a final record, answers the predict in flight, and never restarts serverless-offline', async () => {
    const pid = t.platform.offlinePid();
    const put = (upload: string, body: string | Buffer) =>
      t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: upload, Body: body }));
    await put(GOOD, [IRIS, ...goodRows].join('\n'));
    const predict = api('/v1/models/iris/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 } }),
    });
    await Promise.all(batches.map(({ key: upload, body }) => put(upload, body)));
    const trainings = [await training('crash-unstorable', unstorable), await training('crash-proto', proto)];
    // A function that throws, invoked asynchronously as preprocess hands batches over: retried, then dead-lettered.
    const lambda = new LambdaClient({
      endpoint: `http://127.0.0.1:${TEST_SETTINGS.lambdaPort}`,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'any', secretAccessKey: 'thing' },
    });
    const thrown = await lambda.send(
      new InvokeCommand({ FunctionName: 'vigie-local-batch', InvocationType: 'Event', Payload: Buffer.from('{"Records":[{}]}') }),
    );
    lambda.destroy();
    expect(thrown.StatusCode).toBe(202);

    expect((await predict).status).toBe(200);
    await t.platform.drained();
    const records = await eventually(async () => {
      const all = await t.records();
      const byKey = new Map(all.map((record) => [record.inputKey, record]));
      const wanted = [GOOD, ...batches.map((batch) => batch.key)].map((upload) => byKey.get(upload));
      return wanted.every((record) => record && record.status !== ('running' as string)) ? wanted : undefined;
    }, 120_000);
    expect(records[0]).toMatchObject({ status: 'succeeded', result: { rows: goodRows.length, succeededRows: goodRows.length } });
    batches.forEach(({ final }, i) => {
      expect(records[i + 1]).toMatchObject({ status: final.status, ...(final.code && { error: { code: final.code } }) });
    });
    expect(records[5]).toMatchObject({ result: { rejectedRows: 2, succeededRows: 1 } });
    expect(records[6]!.timeWarningCount).toBeGreaterThanOrEqual(100);

    const ended = await Promise.all(
      trainings.map((id) =>
        eventually(async () => {
          const body = (await (await api(`/v1/trainings/${id}`)).json()) as { status: string; error?: { code: string } };
          return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
        }, 120_000),
      ),
    );
    expect(ended[0]).toMatchObject({ status: 'failed', error: { code: 'record-not-written' } });
    // Its classes, `__proto__` and `constructor`, are map keys the SDK carries only escaped (dynamodb-keys.ts).
    expect(ended[1]).toMatchObject({ status: 'succeeded' });

    const folder = join(t.env.VIGIE_STATE_DIR!, 'dead-letters');
    const letter = await eventually(async () => {
      const letters = readdirSync(folder).map(
        (name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as Record<string, unknown>,
      );
      return letters.find((found) => found.functionName === 'vigie-local-batch');
    }, 30_000);
    expect(letter).toMatchObject({ attempts: 3, error: expect.any(String) });

    expect(t.platform.offlinePid()).toBe(pid);
    expect(t.platform.offlineRestarts()).toMatchObject({ total: 0 });
    expect((await api('/v1/health')).status).toBe(200);
  }, 400_000);
});
