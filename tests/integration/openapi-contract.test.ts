import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../functions/shared/openapi/document';
import { heldOutDigitsOf, renderMnistPng } from '../../scripts/samples/mnist';
import { contractChecker } from '../support/openapi';
import { startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * The contract: every route of the document called on the real local platform, for its answers and its refusals,
 * and each answer checked with Ajv against the document the platform itself serves at /v1/openapi.json.
 */
const run = promisify(execFile);
const key = TEST_SETTINGS.apiKey;
let t: TestPlatform;
let document: OpenApiDocument;
let check: ReturnType<typeof contractChecker>;
let seven: Buffer;
let scoped: string;
const exercised = new Set<string>();

beforeAll(async () => {
  t = await startTestPlatform();
  const served = await fetch(`${t.http}/v1/openapi.json`);
  expect(served.status).toBe(200);
  document = (await served.json()) as OpenApiDocument;
  check = contractChecker(document);
  seven = await renderMnistPng(heldOutDigitsOf().find((sample) => sample.label === '7')!);
  const created = await run(process.execPath, ['bin/vigie.js', 'keys', 'create', '--name', 'contract', '--models', 'iris'], {
    env: t.env,
  });
  scoped = created.stdout.trim().split('\n').at(-1)!;
});

afterAll(async () => {
  await t?.stop();
});

interface Call {
  method?: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  apiKey?: string | null;
}

/** Calls the route and returns its status with every way the answer departs from the document. */
async function call(path: string, { method = 'GET', body, headers = {}, apiKey = key }: Call = {}) {
  const response = await fetch(`${t.http}${path}`, {
    method,
    headers: { ...(apiKey && { 'x-api-key': apiKey }), ...headers },
    body,
  });
  const contentType = response.headers.get('content-type');
  const text = await response.text();
  const answer = { status: response.status, contentType, body: contentType?.includes('json') ? JSON.parse(text) : text };
  exercised.add(`${method} ${new URL(path, t.http).pathname}`);
  return { ...answer, problems: check(method, path, answer) };
}

const json = (value: unknown) => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

/** Readings within the SKAB ranges, enough to calibrate (400 rows) and fill windows (32). */
const sensorRows = Array.from({ length: 440 }, (_, i) => ({
  Accelerometer1RMS: 0.2 + 0.01 * Math.sin(i),
  Accelerometer2RMS: 0.26 + 0.01 * Math.cos(i),
  Current: 1 + 0.1 * Math.sin(i / 3),
  Pressure: 0.05,
  Temperature: 70 + Math.sin(i / 10),
  Thermocouple: 25,
  Voltage: 230 + Math.cos(i / 7),
  'Volume Flow RateRMS': 32,
}));

describe('every answer of the /v1 API conforms to /v1/openapi.json', () => {
  it('health, models and the document itself', async () => {
    for (const answer of [await call('/v1/health', { apiKey: null }), await call('/v1/models'), await call('/v1/models/iris')]) {
      expect(answer.status).toBe(200);
      expect(answer.problems).toEqual([]);
    }
    const missing = await call('/v1/models/no-such-model');
    expect([missing.status, missing.problems]).toEqual([404, []]);
    const document = await call('/v1/openapi.json', { apiKey: null });
    expect([document.status, document.problems]).toEqual([200, []]);
  });

  it('predict with image bytes, base64 JSON, an annotated picture, and their refusals', async () => {
    const answers = [
      await call('/v1/models/digits/predict', { method: 'POST', body: seven, headers: { 'content-type': 'image/png' } }),
      await call('/v1/models/digits/predict', { method: 'POST', ...json({ image: seven.toString('base64') }) }),
      await call('/v1/models/car-detector/predict', { method: 'POST', body: seven, headers: { 'content-type': 'image/png' } }),
      await call('/v1/models/car-detector/predict?annotate=true', {
        method: 'POST',
        body: seven,
        headers: { 'content-type': 'image/png' },
      }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(answers.flatMap((answer) => answer.problems)).toEqual([]);
    const refusals = [
      [await call('/v1/models/digits/predict', { method: 'POST', body: seven, apiKey: null }), 401],
      [await call('/v1/models/digits/predict', { method: 'POST', body: seven, apiKey: scoped }), 403],
      [
        await call('/v1/models/digits/predict', {
          method: 'POST',
          body: '{"image": 1',
          headers: { 'content-type': 'application/json' },
        }),
        400,
      ],
      [
        await call('/v1/models/digits/predict', { method: 'POST', body: 'seven', headers: { 'content-type': 'text/plain' } }),
        415,
      ],
      [
        await call('/v1/models/digits/predict', {
          method: 'POST',
          body: new Uint8Array(8),
          headers: { 'content-type': 'image/png' },
        }),
        400,
      ],
      [
        await call('/v1/models/digits/predict', {
          method: 'POST',
          body: seven,
          headers: { 'content-type': 'image/png', accept: 'image/png' },
        }),
        406,
      ],
      [
        await call('/v1/models/no-such-model/predict', { method: 'POST', body: seven, headers: { 'content-type': 'image/png' } }),
        404,
      ],
    ] as const;
    expect(refusals.map(([answer]) => answer.status)).toEqual(refusals.map(([, status]) => status));
    expect(refusals.flatMap(([answer]) => answer.problems)).toEqual([]);
  });

  it('predict with feature rows as JSON and CSV, answered in JSON or CSV, and their refusals', async () => {
    const csv = `sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.9,3.1,x,2.1\n`;
    const answers = [
      await call('/v1/models/iris/predict', { method: 'POST', ...json({ features: { ...setosa, sepal_length: 9.9 } }) }),
      await call('/v1/models/iris/predict', { method: 'POST', ...json({ rows: [setosa, setosa] }) }),
      await call('/v1/models/iris/predict', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } }),
      await call('/v1/models/iris/predict', {
        method: 'POST',
        body: csv,
        headers: { 'content-type': 'text/csv', accept: 'text/csv' },
      }),
      await call('/v1/models/sensor-anomaly/predict', { method: 'POST', ...json({ rows: sensorRows }) }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.flatMap((answer) => answer.problems)).toEqual([]);
    const refusals = [
      await call('/v1/models/iris/predict', { method: 'POST', ...json({ features: { ...setosa, petal_widht: 1 } }) }),
      await call('/v1/models/iris/predict', { method: 'POST', body: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } }),
      await call('/v1/models/digits/predict', { method: 'POST', ...json({ features: setosa }) }),
      await call('/v1/models/iris/predict', { method: 'POST', ...json({ rows: [setosa], extra: 1 }) }),
    ];
    expect(refusals.map((answer) => [answer.status, (answer.body as { code: string }).code])).toEqual([
      [400, 'invalid-features'],
      [400, 'missing-columns'],
      [400, 'unsupported-input'],
      [400, 'invalid-body'],
    ]);
    expect(refusals.flatMap((answer) => answer.problems)).toEqual([]);
  });

  it('predictions and data subjects', async () => {
    const made = await call('/v1/models/iris/predict', {
      method: 'POST',
      ...json({ features: setosa }),
      headers: { 'content-type': 'application/json', 'x-subject-id': 'driver-42' },
    });
    const id = (made.body as { predictionId: string }).predictionId;
    const answers = [
      [await call(`/v1/predictions/${id}`), 200],
      [await call('/v1/predictions/00000000-0000-0000-0000-000000000000'), 404],
      [await call('/v1/predictions/not-an-id'), 404],
      [await call('/v1/subjects/%20/export'), 400],
      [await call(`/v1/subjects/driver-42/export`), 200],
      [await call(`/v1/subjects/driver-42/export`, { apiKey: scoped }), 403],
      [await call(`/v1/subjects/driver-42`, { method: 'DELETE' }), 200],
    ] as const;
    expect(answers.map(([answer]) => answer.status)).toEqual(answers.map(([, status]) => status));
    expect(answers.flatMap(([answer]) => answer.problems)).toEqual([]);
  });

  it('left no route of the document uncalled', () => {
    const templates = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods as object).map((method) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        path,
      })),
    );
    const uncalled = templates.filter(
      ({ method, pattern }) =>
        ![...exercised].some((call) => call.startsWith(`${method} `) && pattern.test(call.slice(method.length + 1))),
    );
    expect(uncalled.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });
});
