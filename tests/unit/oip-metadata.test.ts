import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelMetadata, modelReady } from '../../functions/oip/metadata';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { ModelRegistry } from '../../functions/serving/registry';
import { MODELS_DIR } from '../support/models';

/**
 * Model metadata and readiness over a registry holding the real iris 1.0.0 (approved) beside a 1.1.0 copy that
 * no one has reviewed yet: the protocol's `versions` lists what may be asked for, and an unreviewed version is
 * known but never ready.
 */
let dir: string;
let registry: ModelRegistry;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-oip-'));
  const source = join(MODELS_DIR, 'iris', '1.0.0');
  const metadata = JSON.parse(readFileSync(join(source, 'metadata.json'), 'utf8')) as Record<string, unknown>;
  for (const version of ['1.0.0', '1.1.0']) {
    mkdirSync(join(dir, 'iris', version), { recursive: true });
    copyFileSync(join(source, 'model.onnx'), join(dir, 'iris', version, 'model.onnx'));
    const { governance, ...pending } = metadata;
    const written = version === '1.0.0' ? metadata : { ...pending, version };
    expect(governance).toMatchObject({ approval: { status: 'approved' } });
    writeFileSync(join(dir, 'iris', version, 'metadata.json'), JSON.stringify(written));
  }
  registry = new ModelRegistry(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OIP model metadata and readiness', () => {
  it('lists only the approved versions, and describes the served one by default', async () => {
    const described = await modelMetadata(registry, 'iris');
    expect(described.versions).toEqual(['1.0.0']);
    expect(described.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, 4] }]);
  });

  it('describes an unreviewed version asked for by name, as /v1/models does', async () => {
    expect((await modelMetadata(registry, 'iris', '1.1.0')).inputs[0]?.shape).toEqual([-1, 4]);
  });

  it('is ready for the approved version (its session loads), not for the unreviewed one', async () => {
    const sessions = new SessionCache();
    expect(await modelReady(registry, sessions, 'iris')).toEqual({ name: 'iris', ready: true });
    expect(await modelReady(registry, sessions, 'iris', '1.0.0')).toEqual({ name: 'iris', ready: true });
    expect(await modelReady(registry, sessions, 'iris', '1.1.0')).toEqual({ name: 'iris', ready: false });
  });

  it("names the platform as the protocol lists it, and an image input's every form in scalar parameters (issue #21)", async () => {
    const digits = await modelMetadata(new ModelRegistry(MODELS_DIR), 'digits');
    expect(digits.platform).toBe('onnx_onnxv1');
    expect(digits.inputs).toHaveLength(1);
    const [image] = digits.inputs;
    expect(image).toMatchObject({ name: 'image', datatype: 'FP32', shape: [1, 1, 28, 28] });
    expect(image!.parameters).toMatchObject({
      also_uint8: expect.stringMatching(/^\[1, 28, 28, 1\]/),
      also_bytes: expect.stringMatching(/^\[1\], the encoded picture/),
    });
    for (const value of Object.values(image!.parameters ?? {})) expect(['string', 'number', 'boolean']).toContain(typeof value);
    expect((await modelMetadata(registry, 'iris')).inputs[0]).not.toHaveProperty('parameters');
  });

  it('refuses an unknown model or version as not found', async () => {
    await expect(modelReady(registry, new SessionCache(), 'nope')).rejects.toMatchObject({ status: 404 });
    await expect(modelReady(registry, new SessionCache(), 'iris', '2.0.0')).rejects.toMatchObject({ status: 404 });
    await expect(modelMetadata(registry, 'nope')).rejects.toMatchObject({ status: 404 });
  });
});
