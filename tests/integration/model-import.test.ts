import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../functions/api/http/api-keys';
import { GraphBuilder, serialise } from '../../functions/training/onnx/graph';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';
import { savedQuery } from '../support/saved-queries';

/**
 * Bringing a model on the real local platform: the HTTP route, the S3 door and `vigie models import` (which takes
 * the S3 door past the route's 4 MiB); a refusal naming its check; approval; then the imported version answering
 * on /v1, /v2 and a CSV batch upload, all without a restart. The checks themselves, one by one:
 * tests/unit/model-import-checks.test.ts.
 */
const key = TEST_SETTINGS.apiKey;
const exec = promisify(execFile);
let t: TestPlatform;
const dir = mkdtempSync(join(tmpdir(), 'vigie-import-'));
const irisOnnx = readFileSync('models/iris/1.0.0/model.onnx');
const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

/** The shipped iris package's metadata as a team would write it for an import: no name, version or artifact. */
function irisSpec(): Record<string, unknown> {
  const raw = JSON.parse(readFileSync('models/iris/1.0.0/metadata.json', 'utf8')) as Record<string, unknown>;
  delete raw.name;
  delete raw.version;
  delete raw.artifact;
  return raw;
}

const samples = (label: string) => ({ samples: [{ features: setosa, expected: { label } }] });

beforeAll(async () => {
  t = await startTestPlatform();
  writeFileSync(join(dir, 'metadata.json'), JSON.stringify(irisSpec()));
});

afterAll(async () => {
  await t?.stop();
});

const api = (path: string, init: RequestInit = {}, apiKey = key) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': apiKey, ...(init.headers as Record<string, string>) } });

function importOver(
  model: string,
  parts: { onnx?: Uint8Array; spec?: unknown; samples?: unknown; version?: string },
  apiKey = key,
) {
  const form = new FormData();
  if (parts.onnx) form.set('model', new Blob([parts.onnx]), 'model.onnx');
  if (parts.spec) form.set('metadata', new Blob([JSON.stringify(parts.spec)]), 'metadata.json');
  if (parts.samples) form.set('samples', new Blob([JSON.stringify(parts.samples)]), 'samples.json');
  if (parts.version) form.set('version', parts.version);
  return api(`/v1/models/${model}/versions`, { method: 'POST', body: form }, apiKey);
}

const approve = (model: string, version: string) =>
  api(`/v1/models/${model}/versions/${version}/approval`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ decision: 'approved', approver: 'Jeanne Martin, ML lead' }),
  });

const predict = (model: string) =>
  api(`/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ features: setosa }),
  });

async function outcomeOf(model: string, version: string): Promise<Record<string, unknown>> {
  return eventually(async () => {
    const object = await t.s3
      .send(new GetObjectCommand({ Bucket: 'vigie-local-results', Key: `imports/${model}/${version}.json` }))
      .catch(() => undefined);
    return object && (JSON.parse(await object.Body!.transformToString()) as Record<string, unknown>);
  }, 30_000);
}

describe('POST /v1/models/{model}/versions', () => {
  it('imports a checked, pending version that answers once approved: /v1, /v2 and a CSV upload, no restart', async () => {
    const answer = await importOver('team-iris', { onnx: irisOnnx, spec: irisSpec(), samples: samples('setosa') });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe('/v1/models/team-iris/versions/1.0.0/card');
    expect(await answer.json()).toMatchObject({
      model: 'team-iris',
      version: '1.0.0',
      status: 'pending',
      checks: { opset: 17, samples: { count: 1, tolerance: 0.01 } },
    });
    const refused = await predict('team-iris');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'model-not-approved' });
    const card = await (await api('/v1/models/team-iris/versions/1.0.0/card')).text();
    expect(card).toContain('Approval: **pending**');
    expect(card).toMatch(
      /- Imported \S+ through the API: opset 17, operators Gemm, Relu, .* first inference [\d.]+ ms; 1 sample\(s\) matched within 0\.01/,
    );

    expect((await approve('team-iris', '1.0.0')).status).toBe(200);
    const served = await predict('team-iris');
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ modelVersion: '1.0.0', result: { label: 'setosa' } });
    const v2 = await api('/v2/models/team-iris/infer', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: Object.values(setosa) }],
      }),
    });
    expect(v2.status).toBe(200);
    expect(await v2.json()).toMatchObject({ model_name: 'team-iris', model_version: '1.0.0' });
    const csvKey = 'incoming/team-iris/flowers.csv';
    await t.s3.send(
      new PutObjectCommand({
        Bucket: 'vigie-local-uploads',
        Key: csvKey,
        Body: `${Object.keys(setosa).join(',')}\n${Object.values(setosa).join(',')}\n`,
      }),
    );
    const record = await eventually(async () => {
      const found = (await t.records()).find((r) => r.inputKey === csvKey);
      return found && (found.status as string) !== 'running' ? found : undefined;
    }, 60_000);
    expect(record).toMatchObject({ status: 'succeeded', model: 'team-iris', modelVersion: '1.0.0' });
  });

  it('refuses a model whose samples disagree with it, naming the check, and registers nothing', async () => {
    const answer = await importOver('wrong-iris', { onnx: irisOnnx, spec: irisSpec(), samples: samples('virginica') });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await answer.json()) as { code: string; check: string; detail: string };
    expect(problem).toMatchObject({ code: 'model-import-refused', check: 'samples' });
    expect(problem.detail).toContain("label 'virginica' expected, Vigie answers 'setosa'");
    expect((await api('/v1/models/wrong-iris')).status).toBe(404);
  });

  it('takes the version asked for once, and refuses shipped names, other media types and bodies over 4 MiB', async () => {
    const first = await importOver('versioned-iris', { onnx: irisOnnx, spec: irisSpec(), version: '2.3.0' });
    expect(first.status).toBe(201);
    const again = await importOver('versioned-iris', { onnx: irisOnnx, spec: irisSpec(), version: '2.3.0' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'version-exists' });
    const next = await importOver('versioned-iris', { onnx: irisOnnx, spec: irisSpec() });
    expect(await next.json()).toMatchObject({ version: '2.4.0' });
    expect(await (await importOver('digits', { onnx: irisOnnx, spec: irisSpec() })).json()).toMatchObject({
      code: 'reserved-model-name',
    });
    const json = await api('/v1/models/some-iris/versions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    const large = await importOver('large-iris', { onnx: new Uint8Array(5 * 1024 * 1024), spec: irisSpec() });
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ detail: expect.stringContaining('s3://vigie-local-uploads/models/large-iris/') });
    const missing = await importOver('some-iris', { spec: irisSpec() });
    expect(await missing.json()).toMatchObject({ code: 'missing-part' });
  });

  it('needs the models:import permission', async () => {
    const reviewer = 'vk_test_reviewer_without_import_0001';
    await t.documents.send(
      new PutCommand({
        TableName: 'vigie-local-api-keys',
        Item: {
          keyHash: hashApiKey(reviewer),
          keyId: hashApiKey(reviewer).slice(0, 12),
          name: 'reviewer',
          models: ['reviewed-iris'],
          permissions: ['models:approve'],
          createdAt: new Date().toISOString(),
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
    const answer = await importOver('reviewed-iris', { onnx: irisOnnx, spec: irisSpec() }, reviewer);
    expect(answer.status).toBe(403);
    expect(await answer.json()).toMatchObject({ detail: expect.stringContaining('models:import') });
  });
});

describe('the S3 door and vigie models import', () => {
  it('imports what lands under models/<model>/<version>/, the two files in either order, and writes the outcome', async () => {
    const put = (key: string, body: string | Uint8Array) =>
      t.s3.send(new PutObjectCommand({ Bucket: 'vigie-local-uploads', Key: `models/door-iris/${key}`, Body: body }));
    await put('1.0.0/model.onnx', irisOnnx);
    await put('1.0.0/samples/samples.json', JSON.stringify(samples('setosa')));
    await put('1.0.0/metadata.json', JSON.stringify(irisSpec()));
    expect(await outcomeOf('door-iris', '1.0.0')).toMatchObject({ status: 'pending', checks: { samples: { count: 1 } } });
    // The metadata first: nothing happens until the model arrives. Its notification is queued before the upload is
    // answered, and drained once the imports function has run on it.
    await put('3.0.0/metadata.json', JSON.stringify(irisSpec()));
    await t.platform.drained();
    expect((await api('/v1/models/door-iris/imports/3.0.0')).status).toBe(404);
    await put('3.0.0/model.onnx', irisOnnx);
    expect(await outcomeOf('door-iris', '3.0.0')).toMatchObject({ status: 'pending', version: '3.0.0' });
    // Without governance: refused, the outcome naming the check and the missing field.
    await put('1.1.0/model.onnx', irisOnnx);
    await put('1.1.0/metadata.json', JSON.stringify({ ...irisSpec(), governance: undefined }));
    expect(await outcomeOf('door-iris', '1.1.0')).toMatchObject({
      status: 'refused',
      code: 'model-import-refused',
      check: 'metadata-schema',
      detail: expect.stringContaining('governance'),
    });
  });

  it('takes a model past the HTTP limit through upload URLs into the S3 door, with the version it claims printed', async () => {
    // An iris-shaped model with 6 MB of weights: four features through a wide layer to three scores.
    const g = new GraphBuilder();
    const width = 500_000;
    const hidden = g.node('MatMul', ['features', g.floats(new Float32Array(4 * width).fill(0.001), [4, width])]);
    g.node('MatMul', [hidden, g.floats(new Float32Array(width * 3).fill(0.001), [width, 3])], {}, '', 'logits');
    const model = join(dir, 'wide.onnx');
    writeFileSync(model, serialise(g, { name: 'features', width: 4 }, { name: 'logits', width: 3 }));
    mkdirSync(join(dir, 'samples'), { recursive: true });
    const { stdout } = await exec(
      process.execPath,
      ['bin/vigie.js', 'models', 'import', model, '--name', 'wide-iris', '--spec', join(dir, 'metadata.json'), '--json'],
      { env: t.env },
    );
    expect(JSON.parse(stdout)).toMatchObject({ model: 'wide-iris', version: '1.0.0', status: 'pending' });
    // Through the upload URLs the API handed out, so the outcome is the S3 door's, readable through the API.
    expect(await (await api('/v1/models/wide-iris/imports/1.0.0')).json()).toMatchObject({
      status: 'pending',
      at: expect.any(String),
    });
    expect((await api('/v1/models/wide-iris/imports/9.9.9')).status).toBe(404);
    const taken = await api('/v1/models/wide-iris/imports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: '1.0.0' }),
    });
    expect(await taken.json()).toMatchObject({ code: 'version-exists' });
  });

  it('audits every import, the refused ones with their check', async () => {
    await expect
      .poll(() => savedQuery(t, 'model-imports').rows)
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({ model: 'team-iris', modelVersion: '1.0.0', status: 'pending', source: 'http' }),
          expect.objectContaining({ model: 'wrong-iris', status: 'refused', check: 'samples' }),
          expect.objectContaining({ model: 'door-iris', modelVersion: '1.0.0', status: 'pending', source: 's3' }),
        ]),
      );
    const rows = savedQuery(t, 'model-imports').rows;
    expect(rows.find((row) => row.model === 'team-iris')?.callerPseudonym).toMatch(/^ps_/);
  });
});
