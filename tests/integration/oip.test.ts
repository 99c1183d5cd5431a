import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyStore } from '../../functions/api/http/api-key-store-dynamodb';
import { hashApiKey } from '../../functions/api/http/api-keys';
import type { ImageInputSpec } from '../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { ModelRegistry } from '../../functions/serving/registry';
import { auditEventsOf, readLogEvents } from '../../scripts/audit/log-events';
import { validationFrames, type FrameRangeSplit } from '../../scripts/evaluation/car-dataset';
import { MODELS_DIR } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * Open Inference Protocol v2 REST conformance on the real local platform, written from the protocol's text
 * (kserve/open-inference-protocol, specification/protocol/inference_rest.md) and its OpenAPI document
 * (open_inference_rest.yaml): every endpoint, every required field of every answer, and the error object
 * `{"error": $string}` with an HTTP error status. The checks of the answers' shape are written here from the
 * spec, not taken from the schemas the code validates with, so they can disagree with it.
 */
const key = TEST_SETTINGS.apiKey;
const seven = readFileSync('events/samples/seven.png');
const registry = new ModelRegistry(MODELS_DIR);
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});

afterAll(async () => {
  await t?.stop();
});

const get = (path: string, apiKey: string | null = key) =>
  fetch(`${t.http}${path}`, { headers: apiKey === null ? {} : { 'x-api-key': apiKey } });
const post = (path: string, body: unknown, apiKey: string | null = key) =>
  fetch(`${t.http}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey !== null && { 'x-api-key': apiKey }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** $metadata_tensor: name, datatype, shape (integers, -1 for a variable dimension), all required. */
function expectMetadataTensor(tensor: unknown) {
  expect(tensor).toEqual({ name: expect.any(String), datatype: expect.any(String), shape: expect.any(Array) });
  for (const dim of (tensor as { shape: unknown[] }).shape) expect(Number.isInteger(dim) && (dim as number) >= -1).toBe(true);
}

/** $response_output: name, shape, datatype, data required; as many elements as the shape says. */
function expectResponseOutput(output: { name: string; shape: number[]; datatype: string; data: unknown[] }) {
  expect(output).toMatchObject({
    name: expect.any(String),
    shape: expect.any(Array),
    datatype: expect.any(String),
    data: expect.any(Array),
  });
  expect(output.data.flat(Infinity)).toHaveLength(output.shape.reduce((a, b) => a * b, 1));
}

type InferenceBody = {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, unknown>;
  outputs: Array<{ name: string; shape: number[]; datatype: string; data: unknown[] }>;
};

async function inferenceResponse(response: Response): Promise<InferenceBody> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as InferenceBody;
  expect(body.model_name).toEqual(expect.any(String));
  expect(Array.isArray(body.outputs)).toBe(true);
  body.outputs.forEach(expectResponseOutput);
  return body;
}

/**
 * The error object of every endpoint: an HTTP error status and `{"error": $string}`, as the protocol says, in the
 * platform's problem+json (type, title, status, detail, code) as on /v1 (issue #21).
 */
async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as { error: unknown; code: unknown; detail: unknown };
  expect(body.error).toEqual(expect.any(String));
  expect((body.error as string).length).toBeGreaterThan(0);
  expect(body).toMatchObject({ status, code, detail: body.error, type: `https://vigie.dev/problems/${code}` });
  return body;
}

const recordOf = (predictionId: string) =>
  eventually(async () => (await t.records()).find((record) => record.predictionId === predictionId));

const setosa = [5.1, 3.5, 1.4, 0.2];
const virginica = [6.9, 3.1, 5.4, 2.1];

describe('health: GET /v2/health/live and /v2/health/ready', () => {
  it('answers live without a key ($live_server_response)', async () => {
    const response = await get('/v2/health/live', null);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ live: true });
  });

  it('answers ready without a key once every served model loads ($ready_server_response)', async () => {
    const response = await get('/v2/health/ready', null);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ready: true, live: true });
  });
});

describe('server metadata: GET /v2', () => {
  it('answers name, version and extensions without a key ($metadata_server_response)', async () => {
    const response = await get('/v2', null);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { name: unknown; version: unknown; extensions: unknown[] };
    expect(body).toEqual({ name: 'vigie', version: expect.any(String), extensions: expect.any(Array) });
    for (const extension of body.extensions) expect(extension).toEqual(expect.any(String));
  });
});

describe('model metadata: GET /v2/models/{m}[/versions/{v}]', () => {
  it('describes a tabular model: name, versions, platform, an [N, F] FP32 input and its outputs', async () => {
    const response = await get('/v2/models/iris');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { inputs: unknown[]; outputs: unknown[] };
    expect(body).toMatchObject({ name: 'iris', versions: ['1.0.0'], platform: 'onnx_onnxv1' });
    [...body.inputs, ...body.outputs].forEach(expectMetadataTensor);
    expect(body.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, 4] }]);
    expect(body.outputs).toEqual([
      { name: 'label', datatype: 'BYTES', shape: [-1] },
      { name: 'confidence', datatype: 'FP32', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
    ]);
  });

  it('describes a version by name, and an image model by its own FP32 [1, C, H, W] input and its other forms', async () => {
    const response = await get('/v2/models/digits/versions/1.0.0');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { inputs: unknown[]; outputs: Array<{ name: string; shape: number[] }> };
    expect(body.inputs).toEqual([
      {
        name: 'image',
        datatype: 'FP32',
        shape: [1, 1, 28, 28],
        parameters: {
          also_fp64: expect.stringMatching(/^\[1, 1, 28, 28\]/),
          also_uint8: expect.stringMatching(/^\[1, 28, 28, 1\]/),
          also_bytes: expect.stringMatching(/^\[1\], the encoded picture/),
        },
      },
    ]);
    expect(body.outputs.find((o) => o.name === 'probabilities')?.shape).toEqual([-1, 10]);
    const cars = (await (await get('/v2/models/car-detector')).json()) as { outputs: Array<{ name: string }> };
    expect(cars.outputs.map((o) => o.name)).toEqual(['boxes', 'scores', 'labels']);
  });

  it('answers an unknown model or version with 404 and the error object ($metadata_model_error_response)', async () => {
    await expectError(await get('/v2/models/no-such-model'), 404, 'model-not-found');
    await expectError(await get('/v2/models/iris/versions/9.9.9'), 404, 'model-not-found');
  });
});

describe('model ready: GET /v2/models/{m}[/versions/{v}]/ready', () => {
  it('answers name and ready ($ready_model_response), with or without a version', async () => {
    for (const path of ['/v2/models/iris/ready', '/v2/models/digits/versions/1.0.0/ready']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ name: path.split('/')[3], ready: true });
    }
  });

  it('answers an unknown model with 404 and the error object', async () => {
    await expectError(await get('/v2/models/no-such-model/ready'), 404, 'model-not-found');
  });
});

describe('inference: POST /v2/models/{m}[/versions/{v}]/infer', () => {
  it('scores an [N, F] FP32 tensor (nested data), echoes the id, returns the outputs asked for, and records it', async () => {
    const response = await post('/v2/models/iris/infer', {
      id: 'request-42',
      parameters: { note: 'free-form parameters are accepted' },
      inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: [setosa, virginica] }],
      outputs: [{ name: 'probabilities' }, { name: 'label' }],
    });
    const body = await inferenceResponse(response);
    expect(body).toMatchObject({ model_name: 'iris', model_version: '1.0.0', id: 'request-42' });
    expect(body.outputs.map((o) => o.name)).toEqual(['probabilities', 'label']);
    expect(body.outputs[1]).toEqual({ name: 'label', datatype: 'BYTES', shape: [2], data: ['setosa', 'virginica'] });
    expect(body.outputs[0]).toMatchObject({ datatype: 'FP32', shape: [2, 3] });
    const sums = [0, 1].map((row) => (body.outputs[0]!.data as number[]).slice(row * 3, row * 3 + 3).reduce((a, b) => a + b));
    for (const sum of sums) expect(sum).toBeCloseTo(1, 4);
    const predictionId = body.parameters?.prediction_id as string;
    expect(response.headers.get('x-prediction-id')).toBe(predictionId);
    expect(await recordOf(predictionId)).toMatchObject({
      source: 'http',
      model: 'iris',
      modelVersion: '1.0.0',
      status: 'succeeded',
      result: { kind: 'rows', rows: 2, succeededRows: 2 },
    });
    const audit = await eventually(async () =>
      auditEventsOf(readLogEvents(join(t.env.VIGIE_STATE_DIR!, 'logs'))).find(
        (event) => (event as { predictionId?: string }).predictionId === predictionId,
      ),
    );
    expect(audit).toMatchObject({ event: 'prediction', model: 'iris', status: 'succeeded', callerPseudonym: expect.any(String) });
  });

  it('takes flat FP64 data and a version in the path, answers every output without an id when none was sent', async () => {
    const response = await post('/v2/models/iris/versions/1.0.0/infer', {
      inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP64', data: virginica }],
    });
    const body = await inferenceResponse(response);
    expect(body).not.toHaveProperty('id');
    expect(body.model_version).toBe('1.0.0');
    expect(body.outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
      ['label', 'BYTES', [1]],
      ['confidence', 'FP32', [1]],
      ['probabilities', 'FP32', [1, 3]],
    ]);
    expect(body.outputs[0]!.data).toEqual(['virginica']);
  });

  it('serves values outside the training range with warnings in the answer parameters, as /v1 does', async () => {
    const body = await inferenceResponse(
      await post('/v2/models/iris/infer', {
        inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 9.5, 0.2] }],
      }),
    );
    // The protocol's parameters are scalars (issue #21): the warnings as JSON text, and their count.
    expect(body.parameters?.warning_count).toBe(1);
    expect(JSON.parse(body.parameters?.warnings as string)).toEqual([
      { field: 'petal_length', value: 9.5, range: { min: 1, max: 6.9 }, row: 0 },
    ]);
    for (const value of Object.values(body.parameters ?? {})) expect(['string', 'number', 'boolean']).toContain(typeof value);
  });

  it('takes an image model’s encoded picture as one base64 BYTES element, with no preprocessing by the client', async () => {
    const response = await post('/v2/models/digits/infer', {
      id: 'digit-1',
      inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [seven.toString('base64')] }],
    });
    const body = await inferenceResponse(response);
    const served = (await registry.resolve('digits')).metadata.version;
    expect(body).toMatchObject({ model_name: 'digits', model_version: served, id: 'digit-1' });
    expect(body.outputs[0]).toEqual({ name: 'label', datatype: 'BYTES', shape: [1], data: ['7'] });
    const record = await recordOf(body.parameters?.prediction_id as string);
    expect(record).toMatchObject({ source: 'http', model: 'digits', status: 'succeeded', result: { label: '7' } });
  });

  it('takes an image model’s own FP32 [1, C, H, W] tensor, as a Triton client sends it, and records it', async () => {
    const spec = (await registry.resolve('digits')).metadata.input as ImageInputSpec;
    const { tensor } = await preprocessImage(seven, spec, DEFAULT_DECODE_LIMITS);
    const response = await post('/v2/models/digits/infer', {
      inputs: [{ name: 'image', shape: tensor.dims, datatype: 'FP32', data: Array.from(tensor.data) }],
      outputs: [{ name: 'label' }],
    });
    const body = await inferenceResponse(response);
    expect(body.outputs).toEqual([{ name: 'label', datatype: 'BYTES', shape: [1], data: ['7'] }]);
    expect(await recordOf(body.parameters?.prediction_id as string)).toMatchObject({
      status: 'succeeded',
      result: { label: '7' },
    });
  });

  it('takes a detector’s UINT8 [1, H, W, C] pixels and scores them as the same picture sent as a file', async () => {
    const { metadata } = await registry.resolve('car-detector');
    const split = metadata.training.data.split as unknown as FrameRangeSplit;
    const frame = readFileSync(validationFrames(split).find((f) => f.boxes.length > 0)!.path);
    const spec = metadata.input as ImageInputSpec;
    const { tensor } = await preprocessImage(frame, spec, DEFAULT_DECODE_LIMITS);
    expect(tensor.dtype).toBe('uint8');
    const scores = async (input: Record<string, unknown>) => {
      const body = await inferenceResponse(
        await post('/v2/models/car-detector/infer', { inputs: [{ name: 'image', ...input }], outputs: [{ name: 'scores' }] }),
      );
      return body.outputs[0]!.data;
    };
    const fromPixels = await scores({ shape: tensor.dims, datatype: 'UINT8', data: Array.from(tensor.data) });
    const fromFile = await scores({ shape: [1], datatype: 'BYTES', data: [frame.toString('base64')] });
    expect(fromFile.length).toBeGreaterThan(0);
    expect(fromPixels).toEqual(fromFile);
  });

  it('refuses an image tensor of another shape with 400, and records the refusal', async () => {
    const response = await post('/v2/models/digits/infer', {
      inputs: [{ name: 'image', shape: [1, 28, 28, 1], datatype: 'FP32', data: new Array(784).fill(0) }],
    });
    const body = await expectError(response, 400, 'invalid-tensor');
    expect(body.error).toMatch(/FP32 \[1, 1, 28, 28\]/);
    const records = await t.records();
    expect(records.some((r) => r.model === 'digits' && r.status === 'rejected' && r.error?.code === 'invalid-tensor')).toBe(true);
  });

  it('answers a detector with boxes [D, 4], scores [D] and labels [D]', async () => {
    const body = await inferenceResponse(
      await post('/v2/models/car-detector/infer', {
        inputs: [
          {
            name: 'image',
            shape: [1],
            datatype: 'BYTES',
            data: [readFileSync('events/samples/seven-paper.jpg').toString('base64')],
          },
        ],
      }),
    );
    const [boxes, scores, labels] = body.outputs;
    expect(boxes).toMatchObject({ name: 'boxes', datatype: 'FP32', shape: [scores!.shape[0], 4] });
    expect(labels).toMatchObject({ name: 'labels', datatype: 'BYTES', shape: scores!.shape });
  });
});

describe('inference errors: an HTTP error status and {"error": $string} ($inference_error_response)', () => {
  const iris = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    post('/v2/models/iris/infer', {
      inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: setosa, ...input }],
      ...extra,
    });

  it('refuses a request without a key (401) or with a key for other models (403), as /v1 does', async () => {
    await expectError(await post('/v2/models/iris/infer', {}, null), 401, 'unauthorized');
    await expectError(await get('/v2/models/iris', null), 401, 'unauthorized');
    // A key as `npm run keys -- create --models digits` stores it (that command is tested in http-api.test.ts).
    const scoped = `vk_${randomBytes(32).toString('base64url')}`;
    const keyHash = hashApiKey(scoped);
    const table = t.platform.tables.find((name) => name.endsWith('-api-keys'))!;
    await createApiKeyStore(t.documents, table).put({
      keyHash,
      keyId: keyHash.slice(0, 12),
      name: 'oip',
      models: ['digits'],
      createdAt: new Date().toISOString(),
      expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    });
    await expectError(await post('/v2/models/iris/infer', {}, scoped), 403, 'forbidden');
    await expectError(await get('/v2/models/iris/ready', scoped), 403, 'forbidden');
    expect((await get('/v2/models/digits', scoped)).status).toBe(200);
  }, 30_000);

  it('refuses bodies that are not inference requests (400)', async () => {
    await expectError(await post('/v2/models/iris/infer', '{"inputs": ['), 400, 'invalid-json');
    await expectError(await post('/v2/models/iris/infer', {}), 400, 'invalid-body');
    await expectError(
      await post('/v2/models/iris/infer', { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32' }] }),
      400,
      'invalid-body',
    );
    await expectError(await post('/v2/models/iris/infer', { id: 7, inputs: [] }), 400, 'invalid-body');
  });

  it('refuses tensors that do not fit the model: shape, datatype, element, name, output (400)', async () => {
    const shape = await expectError(await iris({ shape: [2, 4] }), 400, 'invalid-tensor');
    expect(shape.error).toMatch(/holds 8 elements, data has 4/);
    await expectError(await iris({ shape: [1, 2, 2] }), 400, 'invalid-tensor');
    await expectError(await iris({ datatype: 'BYTES', data: ['a', 'b', 'c', 'd'] }), 400, 'invalid-tensor');
    await expectError(await iris({ datatype: 'FLOAT' }), 400, 'invalid-tensor');
    await expectError(await iris({ datatype: 'UINT8', data: [5, 3, 1, 0.2] }), 400, 'invalid-tensor');
    await expectError(await iris({ name: 'input0' }), 400, 'invalid-tensor');
    await expectError(await iris({}, { outputs: [{ name: 'logits' }] }), 400, 'unknown-output');
    const digits = (data: unknown[], datatype = 'BYTES') =>
      post('/v2/models/digits/infer', { inputs: [{ name: 'image', shape: [data.length], datatype, data }] });
    await expectError(await digits(['not base64 at all!']), 400, 'invalid-tensor');
    await expectError(await digits([0.5], 'FP32'), 400, 'invalid-tensor');
    await expectError(await digits([Buffer.from('definitely not a png').toString('base64')]), 400, 'unsupported-image');
  });

  it('answers an unknown model or version with 404, and records the attempt as rejected, as /v1 does', async () => {
    await expectError(
      await post('/v2/models/no-such-model/infer', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }),
      404,
      'model-not-found',
    );
    await expectError(
      await post('/v2/models/iris/versions/9.9.9/infer', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }),
      404,
      'model-not-found',
    );
    const rejected = await eventually(async () => {
      const found = (await t.records()).filter((r) => r.status === 'rejected' && r.error?.code === 'model-not-found');
      return found.length >= 2 ? found : undefined;
    });
    expect(rejected.map((r) => r.model)).toEqual(expect.arrayContaining(['unknown', 'iris']));
  });

  it('refuses a body over the input limit with 413', async () => {
    const huge = JSON.stringify({
      inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: ['A'.repeat(7 * 1024 * 1024)] }],
    });
    await expectError(await post('/v2/models/digits/infer', huge), 413, 'payload-too-large');
  });
});
