import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { infer } from '../../functions/serving/inference/infer';
import { encodeTensor } from '../../functions/serving/inference/protocol';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { ModelRegistry } from '../../functions/serving/registry';
import { MODELS_DIR, SERVED_DIGITS } from '../support/models';

/** The infer function's work with the real onnxruntime session and the committed model. */
const event = JSON.parse(readFileSync('events/infer-digit.json', 'utf8'));
const deps = () => ({ registry: new ModelRegistry(MODELS_DIR), sessions: new SessionCache() });

describe('infer', () => {
  it('runs the model on the sample tensor and names the artifact', async () => {
    const answer = await infer(deps(), event);
    expect(answer).toMatchObject({ ok: true, model: 'digits', modelVersion: SERVED_DIGITS, result: { label: '7' } });
  });

  it('creates one session per model version and reuses it', async () => {
    const d = deps();
    await infer(d, event);
    await infer(d, event);
    expect(d.sessions.loaded()).toEqual([`digits@${SERVED_DIGITS}`]);
  });

  it.each([
    ['a wrong shape', { ...event, tensor: encodeTensor({ dims: [1, 1, 14, 14], data: new Float32Array(196) }) }, 'tensor-shape'],
    [
      'a NaN',
      { ...event, tensor: encodeTensor({ dims: [1, 1, 28, 28], data: new Float32Array(784).fill(Number.NaN) }) },
      'tensor-values',
    ],
    [
      'pixels of the wrong shape',
      { ...event, tensor: encodeTensor({ dtype: 'uint8', dims: [1, 28, 28, 3], data: new Uint8Array(2352) }) },
      'tensor-shape',
    ],
    ['tensor data that is not base64', { ...event, tensor: { dims: [1, 1, 28, 28], data: '*'.repeat(4184) } }, 'tensor-values'],
    ['an unknown model', { ...event, model: 'nothing' }, 'model-not-found'],
    ['an unknown version', { ...event, version: '9.9.9' }, 'model-not-found'],
    ['a malformed request', { model: 'digits' }, 'invalid-infer-request'],
  ])('refuses %s as data, with a 4xx status', async (_name, payload, code) => {
    const answer = await infer(deps(), payload);
    expect(answer).toMatchObject({ ok: false, error: { code } });
    expect(answer.ok ? 0 : answer.error.status).toBeLessThan(500);
  });

  it('refuses to load an artifact whose SHA-256 differs from its metadata', async () => {
    // Prepare: a copy of the model package whose artifact was swapped after the metadata was written.
    const dir = mkdtempSync(join(tmpdir(), 'vigie-models-'));
    cpSync(join(MODELS_DIR, 'digits', '1.0.0'), join(dir, 'digits', '1.0.0'), { recursive: true });
    const artifact = join(dir, 'digits', '1.0.0', 'model.onnx');
    const bytes = readFileSync(artifact);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 1) % 256;
    writeFileSync(artifact, bytes);
    // Act / Assess
    await expect(infer({ registry: new ModelRegistry(dir), sessions: new SessionCache() }, event)).rejects.toThrow(
      /SHA-256.*refusing to load/,
    );
  });

  it('serves the highest approved version by default and refuses an unapproved one, even by name', async () => {
    // Prepare: digits 1.0.0 (approved) beside a 1.1.0 that is still pending review.
    const dir = mkdtempSync(join(tmpdir(), 'vigie-models-'));
    cpSync(join(MODELS_DIR, 'digits', '1.0.0'), join(dir, 'digits', '1.0.0'), { recursive: true });
    cpSync(join(MODELS_DIR, 'digits', '1.0.0'), join(dir, 'digits', '1.1.0'), { recursive: true });
    const pendingPath = join(dir, 'digits', '1.1.0', 'metadata.json');
    const pending = JSON.parse(readFileSync(pendingPath, 'utf8'));
    pending.version = '1.1.0';
    pending.governance.approval = { status: 'pending' };
    writeFileSync(pendingPath, JSON.stringify(pending));
    const d = { registry: new ModelRegistry(dir), sessions: new SessionCache() };
    // Act / Assess
    expect(await infer(d, { ...event, version: undefined })).toMatchObject({ ok: true, modelVersion: '1.0.0' });
    expect(await infer(d, { ...event, version: '1.1.0' })).toMatchObject({
      ok: false,
      error: { code: 'model-not-approved', status: 403, message: expect.stringContaining('pending') },
    });
    expect(d.sessions.loaded()).toEqual(['digits@1.0.0']);
  });
});
