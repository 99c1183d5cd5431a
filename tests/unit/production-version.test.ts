import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelMetadata, modelReady } from '../../functions/oip/metadata';
import type { LifecycleState } from '../../functions/serving/aliases';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { checkModels } from '../../functions/serving/model-health';
import { ModelRegistry } from '../../functions/serving/registry';
import { MODELS_DIR } from '../support/models';

/**
 * What /v2 metadata and readiness and GET /v1/health name is what production serves (its alias: after a rollback,
 * the version it went back to), not the newest approved version. iris 1.0.0 beside an approved 1.1.0 whose input
 * tensor is named otherwise, so the description tells the two apart.
 */
let dir: string;
let state: LifecycleState;
const registry = () => new ModelRegistry(dir, undefined, { current: () => Promise.resolve(state) });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-production-'));
  const source = join(MODELS_DIR, 'iris', '1.0.0');
  const metadata = JSON.parse(readFileSync(join(source, 'metadata.json'), 'utf8')) as { input: Record<string, unknown> };
  for (const version of ['1.0.0', '1.1.0']) {
    mkdirSync(join(dir, 'iris', version), { recursive: true });
    copyFileSync(join(source, 'model.onnx'), join(dir, 'iris', version, 'model.onnx'));
    const input = version === '1.0.0' ? metadata.input : { ...metadata.input, tensorName: 'measurements' };
    writeFileSync(join(dir, 'iris', version, 'metadata.json'), JSON.stringify({ ...metadata, version, input }));
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the version production serves', () => {
  it('is the newest approved one while production has no alias', async () => {
    state = { aliases: {}, disabled: false };
    expect((await modelMetadata(registry(), 'iris')).inputs[0]?.name).toBe('measurements');
  });

  it('is the alias’s version once production has one: in /v2 metadata, /v2 readiness and GET /v1/health', async () => {
    state = { aliases: { production: { version: '1.0.0' } }, disabled: false };
    expect((await modelMetadata(registry(), 'iris')).inputs[0]?.name).toBe('features');
    expect(await modelReady(registry(), new SessionCache(), 'iris')).toEqual({ name: 'iris', ready: true });
    expect(await checkModels(registry(), new SessionCache())).toEqual([{ name: 'iris', version: '1.0.0', loaded: true }]);
  });

  it('is still described while the model is disabled, but not ready', async () => {
    state = { aliases: { production: { version: '1.0.0' } }, disabled: true };
    expect((await modelMetadata(registry(), 'iris')).inputs[0]?.name).toBe('features');
    expect(await modelReady(registry(), new SessionCache(), 'iris')).toEqual({ name: 'iris', ready: false });
    expect(await modelReady(registry(), new SessionCache(), 'iris', '1.0.0')).toEqual({ name: 'iris', ready: false });
  });
});
