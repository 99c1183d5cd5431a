import { beforeAll, describe, expect, it } from 'vitest';
import { createMemoryErasureLedger } from '../../functions/shared/erasure-ledger';
import { InferenceUnavailableError, RefusedError } from '../../functions/shared/errors';
import type { InvokeInfer } from '../../functions/shared/inference/infer-client';
import { runPrediction, sha256Hex, type PredictionDeps } from '../../functions/shared/prediction';
import type { PredictionRecord, PredictionStore } from '../../functions/shared/records';
import { ModelRegistry } from '../../functions/shared/registry';
import { heldOutDigits, renderMnistPng } from '../../scripts/mnist-samples';
import { digitsMetadata, MODELS_DIR } from '../support/models';

/** The shared prediction path with fakes for its side effects: infer, the table, the clock. */
const metadata = digitsMetadata();
const now = new Date('2026-11-22T10:00:00Z');
let png: Buffer;

function memoryStore(): PredictionStore & { items: Map<string, PredictionRecord> } {
  const items = new Map<string, PredictionRecord>();
  return {
    items,
    async put(record) {
      const existing = items.get(record.predictionId);
      if (existing && existing.status !== 'failed') return false;
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

const answering: InvokeInfer = async (request) => ({
  ok: true,
  model: request.model,
  modelVersion: request.version ?? '?',
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
    expect(outcome.error).toBeDefined();
    expect(d.store.items.size).toBe(1);
  });

  it('records an unknown model and an oversized input as rejected', async () => {
    const d = deps(answering);
    expect((await runPrediction(d, request(png, 'nothing'))).record.error?.code).toBe('model-not-found');
    const big = new Uint8Array(100_001).fill(1);
    expect((await runPrediction(d, { ...request(big), predictionId: 'p-2' })).record.error?.code).toBe('payload-too-large');
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

  it('does not overwrite a finished record on redelivery, but replaces a failed one', async () => {
    const store = memoryStore();
    const failing = deps(async () => {
      throw new InferenceUnavailableError('down');
    }, store);
    await runPrediction(failing, request(png));
    const retry = await runPrediction(deps(answering, store), request(png));
    expect(retry.written).toBe(true);
    const again = await runPrediction(deps(answering, store), request(png));
    expect(again.written).toBe(false);
    expect(store.items.get('p-1')?.status).toBe('succeeded');
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
