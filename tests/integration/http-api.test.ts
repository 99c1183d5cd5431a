import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldOutDigits, renderMnistPng, renderPaperJpeg } from '../../scripts/samples/mnist';
import { digitsMetadata } from '../support/models';
import { startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/** The HTTP API as a client meets it: the real serverless-offline server, real fetch calls. */
const run = promisify(execFile);
const metadata = digitsMetadata();
const key = TEST_SETTINGS.apiKey;
let t: TestPlatform;
let seven: Buffer;
let sevenJpeg: Buffer;

beforeAll(async () => {
  t = await startTestPlatform();
  const sample = heldOutDigits(metadata.training.data.split).find((s) => s.label === '7')!;
  seven = await renderMnistPng(sample);
  sevenJpeg = await renderPaperJpeg(sample);
});

afterAll(async () => {
  await t?.stop();
});

const predict = (body: string | Uint8Array, contentType: string, apiKey: string | null = key, model = 'digits') =>
  fetch(`${t.http}/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(apiKey === null ? {} : { 'x-api-key': apiKey }) },
    body,
  });

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({
    status,
    code,
    type: expect.stringContaining(code),
    title: expect.any(String),
    detail: expect.any(String),
  });
  return body;
}

describe('GET /v1/health', () => {
  it('answers without a key and shows each model loaded', async () => {
    const response = await fetch(`${t.http}/v1/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; models: unknown[] };
    expect(body.status).toBe('ok');
    expect(body.models).toContainEqual({ name: 'digits', version: metadata.version, loaded: true });
  });
});

describe('POST /v1/models/{model}/predict', () => {
  it('answers image bytes with the prediction and stores the same record', async () => {
    const response = await predict(seven, 'image/png');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await response.json()) as { predictionId: string; result: { label: string; confidence: number } };
    expect(body).toMatchObject({ model: 'digits', modelVersion: metadata.version, result: { label: '7' } });
    expect(body.result.confidence).toBeGreaterThan(0.5);
    const stored = await fetch(`${t.http}/v1/predictions/${body.predictionId}`, { headers: { 'x-api-key': key } });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({
      predictionId: body.predictionId,
      source: 'http',
      status: 'succeeded',
      result: body.result,
    });
  });

  it('answers a JSON body with a base64 image the same way', async () => {
    const response = await predict(JSON.stringify({ image: sevenJpeg.toString('base64') }), 'application/json');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { result: { label: string } }).result.label).toBe('7');
  });

  it('refuses a missing or wrong key with 401 and logs the attempt without the key', async () => {
    await expectProblem(await predict(seven, 'image/png', null), 401, 'unauthorized');
    await expectProblem(await predict(seven, 'image/png', 'not-the-key-xyz'), 401, 'unauthorized');
    const log = readFileSync(join(t.env.VIGIE_STATE_DIR!, 'logs', 'vigie-local-predict.log'), 'utf8');
    expect(log).toContain('api key refused');
    expect(log).not.toContain('not-the-key-xyz');
    expect(log).not.toContain(key);
  });

  it('explains bad requests with problem+json and the right status', async () => {
    await expectProblem(await predict(Buffer.from('definitely not a png'), 'image/png'), 400, 'unsupported-image');
    await expectProblem(await predict('{"image": 12', 'application/json'), 400, 'invalid-json');
    await expectProblem(
      await predict(JSON.stringify({ image: seven.toString('base64'), extra: 1 }), 'application/json'),
      400,
      'invalid-body',
    );
    await expectProblem(await predict('seven', 'text/plain'), 415, 'unsupported-media-type');
    await expectProblem(await predict(seven, 'image/png', key, 'no-such-model'), 404, 'model-not-found');
    await expectProblem(await predict(Buffer.alloc(0), 'image/png'), 400, 'empty-input');
    const blank = await renderMnistPng({ label: '0', index: 0, pixels: new Uint8Array(784) });
    await expectProblem(await predict(blank, 'image/png'), 400, 'no-ink');
  });

  it('records refused inputs too, as rejected', async () => {
    const rejected = (await t.records()).filter((record) => record.source === 'http' && record.status === 'rejected');
    expect(rejected.map((record) => record.error?.code)).toEqual(
      expect.arrayContaining(['unsupported-image', 'model-not-found', 'no-ink']),
    );
  });
});

describe('API keys from vigie keys', () => {
  it('creates a key scoped to digits that predicts digits and gets 403 elsewhere', async () => {
    const { stdout } = await run(
      process.execPath,
      ['bin/vigie.js', 'keys', 'create', '--name', 'integration', '--models', 'digits', '--expires-in-days', '1'],
      { env: t.env },
    );
    const scoped = stdout.trim().split('\n').at(-1)!;
    expect(scoped).toMatch(/^vk_[\w-]{43}$/);
    expect((await predict(seven, 'image/png', scoped)).status).toBe(200);
    await expectProblem(await predict(seven, 'image/png', scoped, 'car-detector'), 403, 'forbidden');
    const { stdout: listed } = await run(process.execPath, ['bin/vigie.js', 'keys', 'list'], {
      env: t.env,
    });
    expect(listed).toMatch(/integration\s+digits\s+active/);
    expect(listed).not.toContain(scoped);
  }, 30_000);
});

describe('browser access', () => {
  it('allows the configured origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${t.http}/v1/models/digits/predict`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key,content-type' },
      });
    expect((await preflight('http://localhost:3000')).headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });
});

describe('GET /v1/models', () => {
  it('lists the registry with spec and metrics', async () => {
    const response = await fetch(`${t.http}/v1/models/digits`, { headers: { 'x-api-key': key } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      latestVersion: string;
      versions: Array<{ version: string; metrics: unknown; input: unknown }>;
    };
    expect(body.latestVersion).toBe(metadata.version);
    // Every version is listed, oldest first; the served one carries its own spec and metrics.
    expect(body.versions.find((v) => v.version === metadata.version)).toMatchObject({
      input: metadata.input,
      metrics: metadata.metrics,
    });
    await expectProblem(await fetch(`${t.http}/v1/models/nothing`, { headers: { 'x-api-key': key } }), 404, 'model-not-found');
  });
});

describe('serverless invoke local with the events/ fixtures', () => {
  it('runs the predict function on events/http-predict-digit.json against the local platform', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        'node_modules/osls/bin/serverless.js',
        'invoke',
        'local',
        '-f',
        'predict',
        '-p',
        'events/http-predict-digit.json',
        '--stage',
        'local',
      ],
      { env: { ...t.env, VIGIE_API_KEY: 'local-dev-key' }, maxBuffer: 8 * 1024 * 1024 },
    );
    const answer = JSON.parse(stdout.slice(stdout.indexOf('{\n    "statusCode"')));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body).result.label).toBe('7');
  }, 60_000);
});
