import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModels, healthy } from '../../functions/serving/model-health';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { ModelRegistry } from '../../functions/serving/registry';
import { MODELS_DIR } from '../support/models';

/** Copies digits 1.0.0 under `name` with its approval (and optionally its artifact) changed. */
function copyDigits(dir: string, name: string, approval: Record<string, unknown>, artifact?: Buffer) {
  const target = join(dir, name, '1.0.0');
  cpSync(join(MODELS_DIR, 'digits', '1.0.0'), target, { recursive: true });
  const metadata = JSON.parse(readFileSync(join(target, 'metadata.json'), 'utf8'));
  writeFileSync(
    join(target, 'metadata.json'),
    JSON.stringify({ ...metadata, name, governance: { ...metadata.governance, approval } }),
  );
  if (artifact) writeFileSync(join(target, 'model.onnx'), artifact);
}

describe('health check of the registry', () => {
  it('lists a model pending review as not served without degrading health, and a broken served one as degrading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-health-'));
    const approved = JSON.parse(readFileSync(join(MODELS_DIR, 'digits', '1.0.0', 'metadata.json'), 'utf8')).governance.approval;
    copyDigits(dir, 'digits', approved);
    copyDigits(dir, 'candidate', { status: 'pending' });
    const withCandidate = await checkModels(new ModelRegistry(dir), new SessionCache());
    expect(withCandidate).toEqual([
      { name: 'candidate', loaded: false, served: false },
      { name: 'digits', version: '1.0.0', loaded: true },
    ]);
    expect(healthy(withCandidate)).toBe(true);

    copyDigits(dir, 'broken', approved, Buffer.from('not the artifact'));
    const withBroken = await checkModels(new ModelRegistry(dir), new SessionCache());
    expect(withBroken[0]).toMatchObject({ name: 'broken', loaded: false, error: expect.any(String) });
    expect(healthy(withBroken)).toBe(false);
  });

  it('loads the networks a served version ships beside its model, and degrades when one is not what its metadata says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-health-'));
    const target = join(dir, 'car-detector', '1.2.0');
    cpSync(join(MODELS_DIR, 'car-detector', '1.2.0'), target, { recursive: true });
    expect(await checkModels(new ModelRegistry(dir), new SessionCache())).toEqual([
      { name: 'car-detector', version: '1.2.0', loaded: true },
    ]);
    // The detector itself is intact: only its box refiner is swapped.
    writeFileSync(join(target, 'box-refiner.onnx'), Buffer.from('not the refiner'));
    const withBrokenRefiner = await checkModels(new ModelRegistry(dir), new SessionCache());
    expect(withBrokenRefiner).toEqual([{ name: 'car-detector', loaded: false, error: expect.any(String) }]);
    expect(healthy(withBrokenRefiner)).toBe(false);
  });
});
