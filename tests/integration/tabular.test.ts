import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../functions/records/records';
import { auditEventsOf, readLogEvents } from '../../scripts/audit/log-events';
import { SKAB_DIR } from '../../scripts/evaluation/skab-dataset';
import { generatedCsv } from '../../scripts/tabular/generated-csv';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';
import { savedQuery } from '../support/saved-queries';

/** Feature rows as clients send them: JSON and CSV over the real HTTP API, CSV batches through real S3. */
const run = promisify(execFile);
const key = TEST_SETTINGS.apiKey;
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});

afterAll(async () => {
  await t?.stop();
});

const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const virginica = { sepal_length: 6.9, sepal_width: 3.1, petal_length: 5.4, petal_width: 2.1 };

const predict = (body: string, contentType = 'application/json', accept?: string) =>
  fetch(`${t.http}/v1/models/iris/predict`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-api-key': key, ...(accept && { accept }) },
    body,
  });

const recordOf = async (predictionId: string) =>
  eventually(async () => (await t.records()).find((record) => record.predictionId === predictionId));

describe('POST /v1/models/iris/predict with feature rows', () => {
  it('answers one row with the label, confidence and probabilities, and records it', async () => {
    const response = await predict(JSON.stringify({ features: setosa }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { predictionId: string; result: { label: string }; automated: boolean };
    expect(body).toMatchObject({ model: 'iris', modelVersion: '1.0.0', result: { label: 'setosa' }, automated: true });
    expect(body).not.toHaveProperty('warnings');
    expect(await recordOf(body.predictionId)).toMatchObject({ source: 'http', status: 'succeeded', result: { label: 'setosa' } });
  });

  it('answers rows in order, with warnings for values outside the training range, kept in the record', async () => {
    const far = { ...setosa, petal_length: 9.5 };
    const response = await predict(JSON.stringify({ rows: [virginica, setosa, far] }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      predictionId: string;
      results: Array<{ result: { label: string }; warnings?: unknown[] }>;
    };
    expect(body.results.map((r) => r.result.label)).toEqual(['virginica', 'setosa', expect.any(String)]);
    expect(body.results[2]!.warnings).toEqual([{ field: 'petal_length', value: 9.5, range: { min: 1, max: 6.9 }, row: 2 }]);
    const record = await recordOf(body.predictionId);
    expect(record).toMatchObject({ result: { kind: 'rows', rows: 3, succeededRows: 3, rejectedRows: 0 }, warningCount: 1 });
    expect(record?.warnings).toEqual([{ field: 'petal_length', value: 9.5, range: { min: 1, max: 6.9 }, row: 2 }]);
  });

  it('refuses bad rows with a 400 problem naming every problem at once, and records the refusal', async () => {
    // Written out: JSON.stringify turns Infinity into null, but a client's 1e999 parses as Infinity.
    const response = await predict(
      `{"rows": [${JSON.stringify(setosa)}, {"sepal_lenght": 5, "sepal_width": null, "petal_length": "long", "petal_width": 1e999}]}`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = (await response.json()) as { code: string; errors: Array<{ field: string; row?: number; message: string }> };
    expect(body.code).toBe('invalid-features');
    expect(body.errors).toEqual([
      { field: 'sepal_lenght', row: 1, message: expect.stringContaining("Did you mean 'sepal_length'?") },
      { field: 'sepal_length', row: 1, message: 'is missing' },
      { field: 'sepal_width', row: 1, message: 'is null' },
      { field: 'petal_length', row: 1, message: 'expected a number, got the text "long"' },
      { field: 'petal_width', row: 1, message: 'must be a finite number (not NaN or infinite)' },
    ]);
    const records = await t.records();
    expect(records.some((r) => r.status === 'rejected' && r.error?.code === 'invalid-features')).toBe(true);
  });

  it('refuses an empty rows list', async () => {
    const response = await predict(JSON.stringify({ rows: [] }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'rows', message: 'must hold at least one row' },
    ]);
  });
});

// A French Excel export: BOM, `;`, decimal commas, CRLF, a quoted text column the model does not use.
const frenchCsv =
  '\uFEFFid;sepal_length;sepal_width;petal_length;petal_width;note\r\n' +
  '1;5,1;3,5;1,4;0,2;"fleur; bleue"\r\n' +
  '2;6,9;3,1;5,4;2,1;"dit ""grande"""\r\n' +
  '3;abc;3,1;5,4;2,1;\r\n';

describe('POST /v1/models/iris/predict with a text/csv body', () => {
  it('answers JSON per row by default, a bad row with its error', async () => {
    const response = await predict(frenchCsv, 'text/csv');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { results: Array<{ result?: { label: string }; error?: string }> };
    expect(body.results).toEqual([
      { result: expect.objectContaining({ label: 'setosa' }) },
      { result: expect.objectContaining({ label: 'virginica' }) },
      { error: 'sepal_length: expected a number, got the text "abc"' },
    ]);
  });

  it('answers the same CSV with prediction, score and error appended, in its own dialect', async () => {
    const response = await predict(frenchCsv, 'text/csv', 'text/csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('\uFEFFid;sepal_length;sepal_width;petal_length;petal_width;note;prediction;score;error');
    expect(lines[1]).toMatch(/^1;5,1;3,5;1,4;0,2;"fleur; bleue";setosa;0,\d+;$/);
    expect(lines[2]).toMatch(/^2;6,9;3,1;5,4;2,1;"dit ""grande""";virginica;0,\d+;$/);
    expect(lines[3]).toBe('3;abc;3,1;5,4;2,1;;;;"sepal_length: expected a number, got the text ""abc"""');
    expect(lines[4]).toBe('');
  });

  it('refuses a CSV missing a required column, naming it', async () => {
    const response = await predict('sepal_length,sepal_width,petal_length\n5.1,3.5,1.4\n', 'text/csv');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; errors: unknown[] };
    expect(body.code).toBe('missing-columns');
    expect(body.errors).toEqual([{ field: 'petal_width', message: 'required column is missing from the header' }]);
  });
});

describe('CSV batches from S3', () => {
  const upload = (key: string, body: string) =>
    t.s3.send(
      new PutObjectCommand({
        Bucket: 'vigie-local-uploads',
        Key: key,
        Body: body,
        Metadata: { 'requested-by': 'alice@example.com' },
      }),
    );
  const batchRecord = (key: string, done = true) =>
    eventually(async () => {
      const record = (await t.records()).find((r) => r.inputKey === key);
      return record && (!done || (record.status as string) !== 'running') ? record : undefined;
    }, 60_000);
  const read = async (key: string) => {
    const object = await t.s3.send(new GetObjectCommand({ Bucket: 'vigie-local-results', Key: key }));
    return object.Body!.transformToString();
  };

  it(
    'writes every row back in order with the appended columns, one record and one output per file',
    { timeout: 90_000 },
    async () => {
      const rows = Array.from({ length: 10_000 }, (_, i) => {
        const r = i % 2 === 0 ? setosa : virginica;
        if (i % 1000 === 7) return `${i},${r.sepal_length},,${r.petal_length},${r.petal_width},"x, y"`;
        return `${i},${r.sepal_length},${r.sepal_width},${r.petal_length},${r.petal_width},"x, y"`;
      });
      const csv = `row,sepal_length,sepal_width,petal_length,petal_width,prediction\n${rows.join('\n')}\n`;
      const key = 'incoming/iris/line-3/2026-11-26.csv';
      await upload(key, csv);
      const record = (await batchRecord(key)) as PredictionRecord;
      expect(record).toMatchObject({
        source: 's3',
        status: 'succeeded',
        model: 'iris',
        modelVersion: '1.0.0',
        result: {
          kind: 'batch',
          rows: 10_000,
          succeededRows: 9_990,
          rejectedRows: 10,
          // Each upload's own file, named by its prediction (#20.3).
          outputKey: `batch/iris/line-3/2026-11-26.${record.predictionId}.csv`,
        },
        processedRows: 10_000,
        callerId: expect.stringMatching(/^ps_/),
      });
      const lines = (await read(`batch/iris/line-3/2026-11-26.${record.predictionId}.csv`)).split('\n');
      // The input already has a `prediction` column: the appended one is vigie_prediction.
      expect(lines[0]).toBe('row,sepal_length,sepal_width,petal_length,petal_width,prediction,vigie_prediction,score,error');
      expect(lines).toHaveLength(10_002);
      expect(lines[1]).toMatch(/^0,5\.1,3\.5,1\.4,0\.2,"x, y",setosa,0\.\d+,$/);
      expect(lines[2]).toMatch(/^1,6\.9,3\.1,5\.4,2\.1,"x, y",virginica,0\.\d+,$/);
      expect(lines[8]).toBe('7,6.9,,5.4,2.1,"x, y",,,sepal_width: is missing');
      lines.slice(1, -1).forEach((line, i) => expect(line.startsWith(`${i},`)).toBe(true));

      // The same bytes again (same ETag): no second run, record or output. The batch function runs after the
      // delivery (an asynchronous invocation), so the wait is for its own word that it refused the duplicate.
      const log = join(t.env.VIGIE_STATE_DIR!, 'logs', 'vigie-local-batch.log');
      // The file appears with the function's first log line at INFO (a first run writes none).
      const refusals = () =>
        existsSync(log)
          ? readFileSync(log, 'utf8')
              .split('\n')
              .filter((line) => line.includes('"duplicate batch delivery ignored"')).length
          : 0;
      const before = refusals();
      await upload(key, csv);
      await eventually(async () => (refusals() > before ? true : undefined), 30_000);
      const again = (await t.records()).filter((r) => r.inputKey === key);
      expect(again).toHaveLength(1);
      expect(again[0]).toEqual(record);
    },
  );

  it(
    'scores a real sensor log uploaded with the aws CLI: every row kept in its own dialect, prediction 1/0 and score',
    { timeout: 90_000 },
    async () => {
      // A SKAB validation file as a plant exports it: ';'-separated, a datetime column, its own labels carried along.
      const source = join(SKAB_DIR, 'valve1/5.csv');
      const key = 'incoming/sensor-anomaly/line-3/2026-11-26.csv';
      await run(
        'aws',
        ['--endpoint-url', `http://127.0.0.1:${TEST_SETTINGS.s3Port}`, 's3', 'cp', source, `s3://vigie-local-uploads/${key}`],
        {
          env: t.env,
        },
      );
      const record = (await batchRecord(key)) as PredictionRecord;
      const input = readFileSync(source, 'utf8').trimEnd().split(/\r?\n/);
      expect(record).toMatchObject({
        status: 'succeeded',
        model: 'sensor-anomaly',
        result: {
          kind: 'batch',
          rows: input.length - 1,
          rejectedRows: 0,
          outputKey: `batch/sensor-anomaly/line-3/2026-11-26.${record.predictionId}.csv`,
        },
      });
      const output = (await read(`batch/sensor-anomaly/line-3/2026-11-26.${record.predictionId}.csv`)).trimEnd().split(/\r?\n/);
      expect(output[0]).toBe(`${input[0]};prediction;score;error`);
      expect(output).toHaveLength(input.length);
      let tp = 0;
      let fp = 0;
      let fn = 0;
      output.slice(1).forEach((line, i) => {
        expect(line.startsWith(`${input[i + 1]};`)).toBe(true);
        const [prediction, score, error] = line.split(';').slice(-3);
        expect([prediction === '0' || prediction === '1', Number(score) >= 0 && Number(score) <= 1, error]).toEqual([
          true,
          true,
          '',
        ]);
        const truth = input[i + 1]!.split(';')[9] === '1.0';
        if (prediction === '1' && truth) tp += 1;
        if (prediction === '1' && !truth) fp += 1;
        if (prediction === '0' && truth) fn += 1;
      });
      // The same figure as the evaluation through the TypeScript path (F1 0.91 on this file): the batch is the model.
      expect((2 * tp) / (2 * tp + fp + fn)).toBeGreaterThan(0.88);
    },
  );

  it('records where the time column of a sensor log skips, and still scores every row', { timeout: 90_000 }, async () => {
    // The same real log with 30 seconds of readings missing (a logger outage), at 1 Hz.
    const [header, ...rows] = readFileSync(join(SKAB_DIR, 'valve1/5.csv'), 'utf8').trimEnd().split(/\r?\n/);
    const gapped = [header, ...rows.slice(0, 500), ...rows.slice(530)];
    const key = 'incoming/sensor-anomaly/line-3/outage.csv';
    await upload(key, `${gapped.join('\n')}\n`);
    const record = (await batchRecord(key)) as PredictionRecord;
    expect(record).toMatchObject({ status: 'succeeded', result: { rows: gapped.length - 1, rejectedRows: 0 } });
    expect(record.timeWarnings).toContainEqual(expect.objectContaining({ row: 500, field: 'datetime', code: 'time-gap' }));
    expect(record.timeWarningCount).toBe(record.timeWarnings!.length);
    // The audit trail counts them too, beside the out-of-range values.
    const audited = await eventually(async () =>
      auditEventsOf(readLogEvents(join(t.env.VIGIE_STATE_DIR!, 'logs'))).find(
        (event) => (event as { predictionId?: string }).predictionId === record.predictionId,
      ),
    );
    expect(audited).toMatchObject({ event: 'prediction', timeWarnings: record.timeWarningCount });
    // And the saved query an operator runs for them counts them per model version and day.
    const counted = savedQuery(t, 'time-warnings-per-model-per-day').rows;
    const sensor = counted.find((row) => row.model === 'sensor-anomaly' && row.modelVersion === record.modelVersion);
    expect(sensor?.timeWarnings as number).toBeGreaterThanOrEqual(record.timeWarningCount!);
  });

  it('checks the time of JSON rows too: the same outage sent as rows over HTTP', { timeout: 90_000 }, async () => {
    const [header, ...lines] = readFileSync(join(SKAB_DIR, 'valve1/5.csv'), 'utf8').trimEnd().split(/\r?\n/);
    const names = header!.split(';');
    // As a client would post it: one object per line, numbers as numbers, the datetime as text; 30 s missing.
    const rows = [...lines.slice(0, 500), ...lines.slice(530, 700)].map((line) =>
      Object.fromEntries(
        line
          .split(';')
          .map((cell, i) => [names[i]!, names[i] === 'datetime' ? cell : Number(cell)] as const)
          .filter(([name]) => name !== 'anomaly' && name !== 'changepoint'),
      ),
    );
    const response = await fetch(`${t.http}/v1/models/sensor-anomaly/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ rows }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { predictionId: string; timeWarnings: unknown[]; timeWarningCount: number };
    expect(body.timeWarnings).toContainEqual(expect.objectContaining({ row: 500, field: 'datetime', code: 'time-gap' }));
    const record = await recordOf(body.predictionId);
    expect(record).toMatchObject({ status: 'succeeded', result: { rows: 670, succeededRows: 670 } });
    expect(record!.timeWarnings).toEqual(body.timeWarnings);
    expect(record!.timeWarningCount).toBe(body.timeWarningCount);
  });

  it('shows the rows processed so far on the record while a large batch runs', { timeout: 120_000 }, async () => {
    let csv = '';
    for await (const piece of generatedCsv(400_000)) csv += piece;
    const key = 'incoming/iris/large/readings.csv';
    await upload(key, csv);
    const seen = new Set<string>();
    const record = await eventually(async () => {
      const found = (await t.records()).find((r) => r.inputKey === key);
      if (found) seen.add(`${found.status}:${found.processedRows}`);
      return found?.status === 'succeeded' ? found : undefined;
    }, 100_000);
    const progress = [...seen].filter((s) => s.startsWith('running:')).map((s) => Number(s.split(':')[1]));
    expect(progress.some((rows) => rows > 0 && rows < 400_000)).toBe(true);
    expect(record).toMatchObject({ processedRows: 400_000, result: { rows: 400_000, succeededRows: 400_000 } });
  });

  it(
    'rejects a file missing a required column as a whole, naming the columns, and quarantines it',
    { timeout: 60_000 },
    async () => {
      const key = 'incoming/iris/no-petals.csv';
      await upload(key, 'sepal_length;sepal_width\n5,1;3,5\n');
      const record = await batchRecord(key);
      expect(record).toMatchObject({
        status: 'rejected',
        error: { code: 'missing-columns', message: expect.stringContaining('petal_length, petal_width') },
        quarantineKey: `quarantine/${record?.predictionId}/${key}`,
      });
      await eventually(() =>
        t.s3
          .send(new HeadObjectCommand({ Bucket: 'vigie-local-results', Key: record!.quarantineKey! }))
          .then(() => true)
          .catch(() => undefined),
      );
      await expect(
        t.s3.send(
          new HeadObjectCommand({ Bucket: 'vigie-local-results', Key: `batch/iris/no-petals.${record!.predictionId}.csv` }),
        ),
      ).rejects.toThrow();
    },
  );
});
