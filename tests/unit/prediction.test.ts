import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryErasureLedger } from '../../functions/records/erasure-ledger-memory';
import { InferenceUnavailableError, InvalidInputError, RefusedError } from '../../functions/platform/errors';
import type { InvokeInfer } from '../../functions/serving/inference/infer-client';
import { runPrediction, type PredictionDeps } from '../../functions/serving/prediction';
import { sha256Hex } from '../../functions/serving/prediction-record';
import type { PredictionRecord, PredictionStore } from '../../functions/records/records';
import { ModelRegistry } from '../../functions/serving/registry';
import { createPredictionStore } from '../../functions/records/records-dynamodb';
import { heldOutDigits, renderMnistPng } from '../../scripts/samples/mnist';
import { startLocalDynamoDB, type LocalDynamoDB } from '../support/local-dynamodb';
import { digitsMetadata, MODELS_DIR } from '../support/models';
import { createMemoryPredictionStats } from '../../functions/records/prediction-stats-memory';

/**
 * The shared prediction path with fakes for its side effects: infer, the table, the clock. What the table's
 * condition decides (a redelivery) is checked on the real store against the local DynamoDB, below.
 */
const metadata = digitsMetadata();
const now = new Date('2026-11-22T10:00:00Z');
let png: Buffer;

function memoryStore(): PredictionStore & { items: Map<string, PredictionRecord> } {
  const items = new Map<string, PredictionRecord>();
  return {
    items,
    async put(record) {
      items.set(record.predictionId, record);
      return true;
    },
    async get(id) {
      return items.get(id);
    },
    async delete(id) {
      items.delete(id);
    },
  };
}

const answering: InvokeInfer = async (call) => ({
  ok: true,
  model: call.model.metadata.name,
  modelVersion: call.model.metadata.version,
  modelSha256: metadata.artifact.sha256,
  result: { label: '7', confidence: 0.9, probabilities: { '7': 0.9 } },
  inferenceMs: 1.234,
});

function deps(
  invokeInfer: InvokeInfer,
  store = memoryStore(),
  erasures = createMemoryErasureLedger(),
): PredictionDeps & { store: ReturnType<typeof memoryStore>; reported: PredictionRecord[] } {
  const reported: PredictionRecord[] = [];
  return {
    registry: new ModelRegistry(MODELS_DIR),
    invokeInfer,
    store,
    erasures,
    stats: createMemoryPredictionStats(),
    report: (record) => reported.push(record),
    reported,
    now: () => now,
    limits: { maxPixels: 1_000_000, maxBytes: 100_000, maxDecodeSeconds: 5 },
    retentionDays: 30,
  };
}

const request = (bytes: Uint8Array, model = 'digits') => ({
  predictionId: 'p-1',
  requestId: 'req-1',
  source: 'http' as const,
  model,
  bytes,
  callerId: 'ps_caller',
});

beforeAll(async () => {
  png = await renderMnistPng(heldOutDigits(metadata.training.data.split).find((s) => s.label === '7')!);
});

describe('runPrediction', () => {
  it('records a success with the artifact that answered, hashes and retention', async () => {
    const d = deps(answering);
    const outcome = await runPrediction(d, request(png));
    expect(outcome.error).toBeUndefined();
    expect(outcome.record).toMatchObject({
      predictionId: 'p-1',
      requestId: 'req-1',
      status: 'succeeded',
      model: 'digits',
      modelVersion: metadata.version,
      modelSha256: metadata.artifact.sha256,
      inputSha256: sha256Hex(png),
      callerId: 'ps_caller',
      createdAt: now.toISOString(),
      expiresAt: now.getTime() / 1000 + 30 * 86_400,
      result: { label: '7' },
    });
    expect(outcome.record.timings.inferenceMs).toBe(1.23);
    expect(d.store.items.get('p-1')).toEqual(outcome.record);
    expect(d.reported).toEqual([outcome.record]);
  });

  it('counts the picture in its version’s baseline bins: size, brightness, contrast and the answer (#24)', async () => {
    const outcome = await runPrediction(deps(answering), request(png));
    const baseline = metadata.baseline!;
    const bins = outcome.record.bins!;
    expect(bins.rows).toBe(1);
    expect(Object.keys(bins.features).sort()).toEqual(['brightness', 'contrast', 'height', 'width']);
    for (const feature of baseline.features) {
      expect(bins.features[feature.name]).toHaveLength(feature.shares.length);
      expect(bins.features[feature.name]!.reduce((sum, count) => sum + count, 0)).toBe(1);
    }
    // The answer '7' in its label's bin.
    expect(bins.output[(baseline.output as { labels: string[] }).labels.indexOf('7')]).toBe(1);
  });

  it('records bad input as rejected, without calling infer', async () => {
    let called = false;
    const d = deps(async (r) => {
      called = true;
      return answering(r);
    });
    const outcome = await runPrediction(d, request(new TextEncoder().encode('nope')));
    expect(called).toBe(false);
    expect(outcome.record).toMatchObject({
      status: 'rejected',
      error: { code: 'unsupported-image' },
      modelVersion: metadata.version,
    });
    expect(outcome.error).toBeInstanceOf(InvalidInputError);
    expect(outcome.error).toMatchObject({ code: 'unsupported-image' });
    expect(d.store.items.size).toBe(1);
  });

  it('records an unknown model and an oversized input as rejected', async () => {
    const d = deps(answering);
    expect((await runPrediction(d, request(png, 'nothing'))).record.error?.code).toBe('model-not-found');
    const big = new Uint8Array(100_001).fill(1);
    expect((await runPrediction(d, { ...request(big), predictionId: 'p-2' })).record.error?.code).toBe('payload-too-large');
  });

  it('records and reports any model name the registry does not know as unknown, quoting it bounded and printable', async () => {
    // Prepare: a caller's name as the HTTP path can carry it, 6,000 characters with a CR/LF in the middle.
    const d = deps(answering);
    const raw = `${'A'.repeat(3000)}\r\n${'b'.repeat(3000)}`;

    // Act
    const outcome = await runPrediction(d, request(png, raw));

    // Assess: the record and the metric dimension (report) say `unknown`; the message quotes at most 64 characters.
    expect(outcome.record).toMatchObject({ model: 'unknown', status: 'rejected', error: { code: 'model-not-found' } });
    expect(d.reported.map((record) => record.model)).toEqual(['unknown']);
    const message = outcome.record.error?.message ?? '';
    expect(message).toBe(`No model named '${'A'.repeat(64)}…'.`);
    expect(JSON.stringify(outcome.record)).not.toContain('AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  });

  it('buckets a well-formed model folder the registry lacks, and a refused key, under unknown too (S3 path)', async () => {
    const d = deps(answering);
    const folder = await runPrediction(d, { ...request(png, 'no-such-model'), source: 's3' });
    const refused = await runPrediction(d, {
      ...request(new Uint8Array(), 'Digits\u0000\u001b[31m'),
      predictionId: 'p-2',
      source: 's3',
      refusal: new InvalidInputError('invalid-key', 'Put uploads under incoming/<model>/, model in lower case.'),
    });
    expect([folder.record.model, refused.record.model]).toEqual(['unknown', 'unknown']);
    expect(d.reported.map((record) => record.model)).toEqual(['unknown', 'unknown']);
    expect((await runPrediction(d, { ...request(png), predictionId: 'p-3' })).record.model).toBe('digits');
  });

  it('quotes an unknown version bounded, and an empty one as asked', async () => {
    const d = deps(answering);
    const outcome = await runPrediction(d, { ...request(png), version: `9.9.9\n${'x'.repeat(500)}` });
    expect(outcome.record.error?.message).toBe(`Model 'digits' has no version '9.9.9?${'x'.repeat(58)}…'.`);
    const empty = await runPrediction(d, { ...request(png), predictionId: 'p-2', version: '' });
    expect(empty.record.error?.message).toBe("Model 'digits' has no version ''.");
  });

  it('records an infer outage as failed (retryable), with a generic message', async () => {
    const d = deps(async () => {
      throw new InferenceUnavailableError('connect ECONNREFUSED 10.0.0.1:443');
    });
    const outcome = await runPrediction(d, request(png));
    expect(outcome.record.status).toBe('failed');
    expect(outcome.record.error).toEqual({ code: 'inference-unavailable', message: 'Internal error while predicting.' });
    expect(outcome.record.timings.preprocessMs).toBeGreaterThan(0);
  });

  it('records a refusal of the infer function as rejected, with its reason', async () => {
    const d = deps(async () => {
      throw new RefusedError(400, 'tensor-shape', 'Expected a tensor of shape [1,1,28,28].');
    });
    expect((await runPrediction(d, request(png))).record).toMatchObject({ status: 'rejected', error: { code: 'tensor-shape' } });
  });

  it('withdraws its record when the subject was erased after the input arrived (#11.2)', async () => {
    const erasures = createMemoryErasureLedger();
    const d = deps(answering, memoryStore(), erasures);
    await erasures.recordErasure('ps_subject', now);
    const outcome = await runPrediction(d, { ...request(png), subjectId: 'ps_subject', receivedAt: new Date(now.getTime() - 1) });
    expect([outcome.erased, outcome.written]).toEqual([true, false]);
    expect(d.store.items.size).toBe(0);
    expect(d.reported).toEqual([]);
  });

  it('keeps the record of an input that arrived after the erasure, and of other subjects', async () => {
    const erasures = createMemoryErasureLedger();
    const d = deps(answering, memoryStore(), erasures);
    await erasures.recordErasure('ps_subject', new Date(now.getTime() - 1));
    const later = await runPrediction(d, { ...request(png), subjectId: 'ps_subject' });
    const other = await runPrediction(d, {
      ...request(png),
      predictionId: 'p-2',
      subjectId: 'ps_other',
      receivedAt: new Date(0),
    });
    expect([later.erased, later.written, other.written]).toEqual([undefined, true, true]);
    expect(d.store.items.size).toBe(2);
  });
});

describe('runPrediction on the prediction store of DynamoDB (dynalite, as the local platform runs it)', () => {
  let local: LocalDynamoDB;
  beforeAll(async () => {
    local = await startLocalDynamoDB('predictions', 'predictionId');
  });
  afterAll(() => local?.stop());

  // S3 delivers at least once: the store's ConditionExpression (records-dynamodb.ts) is what refuses a second answer.
  it('does not overwrite a finished record on redelivery, but replaces a failed one', async () => {
    const store = createPredictionStore(local.documents, 'predictions');
    const failing = { ...deps(async () => Promise.reject(new InferenceUnavailableError('down'))), store };
    expect((await runPrediction(failing, request(png))).written).toBe(true);
    expect(await store.get('p-1')).toMatchObject({ status: 'failed' });
    const retry = await runPrediction({ ...deps(answering), store }, request(png));
    expect(retry.written).toBe(true);
    const again = await runPrediction({ ...deps(answering), store, now: () => new Date(now.getTime() + 1_000) }, request(png));
    expect(again.written).toBe(false);
    expect(await store.get('p-1')).toEqual(retry.record);
  });
});

describe('ModelRegistry and the unknown bucket', () => {
  it('never lets a package named unknown into the registry: that name is the bucket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-models-'));
    mkdirSync(join(dir, 'unknown', '1.0.0'), { recursive: true });
    mkdirSync(join(dir, 'known', '1.0.0'), { recursive: true });
    const registry = new ModelRegistry(dir);
    expect(await registry.modelNames()).toEqual(['known']);
    expect(await registry.knows('unknown')).toBe(false);
    rmSync(dir, { recursive: true });
  });
});

describe('runPrediction with a prepared input (an OIP tensor)', () => {
  it('sends the caller’s tensor to infer as it is, without preprocessing, and records it over the request bytes', async () => {
    const sent: Parameters<InvokeInfer>[0][] = [];
    const d = deps(async (req) => (sent.push(req), answering(req)));
    const tensor = { dims: [1, 1, 28, 28], data: new Float32Array(784).fill(0.5) };
    const body = Buffer.from('{"inputs": […]}');
    const outcome = await runPrediction(d, {
      ...request(body),
      prepare: () => ({ tensor, source: { format: 'tensor', width: 28, height: 28 } }),
    });
    expect(outcome.record).toMatchObject({ status: 'succeeded', inputSha256: sha256Hex(body) });
    expect(sent[0]?.tensor.dims).toEqual([1, 1, 28, 28]);
    expect(sent[0]!.tensor.data).toEqual(tensor.data);
  });

  it('records a tensor the model refuses as rejected, with its code', async () => {
    const d = deps(answering);
    const outcome = await runPrediction(d, {
      ...request(Buffer.from('{}')),
      prepare: () => {
        throw new InvalidInputError('invalid-tensor', 'wrong shape');
      },
    });
    expect(outcome.error).toBeInstanceOf(InvalidInputError);
    expect(d.store.items.get('p-1')).toMatchObject({
      status: 'rejected',
      error: { code: 'invalid-tensor' },
      modelVersion: metadata.version,
    });
  });
});
