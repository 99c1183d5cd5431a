import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileCases } from '../../scripts/samples/hostile/index';
import { sendCase, type CaseTarget } from '../../scripts/samples/hostile/send';
import { startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * The hostile-input corpus (issue #20), every case sent to one real local platform: each gets its answer or its
 * final record, and serverless-offline serves them all without a single restart.
 */
let t: TestPlatform;
let target: CaseTarget;
let pidAtStart: number | undefined;

beforeAll(async () => {
  t = await startTestPlatform();
  target = { ...t, apiKey: TEST_SETTINGS.apiKey, uploadsBucket: t.platform.uploadsBucket };
  pidAtStart = t.platform.offlinePid();
});

afterAll(async () => {
  await t?.stop();
});

describe('the hostile-input corpus on one local platform', () => {
  it('names every upload key once, so each case finds its own record', () => {
    const keys = hostileCases.flatMap((c) => (c.via === 's3' ? [c.key] : []));
    expect(new Set(keys).size).toBe(keys.length);
  });

  for (const c of hostileCases) {
    it(`${c.issue} ${c.via}: ${c.name}`, { timeout: 150_000 }, async () => {
      expect(await sendCase(target, c)).toEqual([]);
    });
  }

  it('served every case without serverless-offline restarting', async () => {
    const health = await fetch(`${t.http}/v1/health`);
    expect(health.status).toBe(200);
    expect(t.platform.offlinePid()).toBe(pidAtStart);
    expect(t.platform.offlineRestarts().total).toBe(0);
  });
});
