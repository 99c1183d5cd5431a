import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/** The deploy workflow's smoke test (scripts/deploy/smoke-test.ts), run here against the local platform. */
const run = promisify(execFile);
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const smoke = (endpoint: string, key: string) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/deploy/smoke-test.ts', endpoint], {
    env: { ...process.env, VIGIE_API_KEY: key },
  });

describe('smoke test after a deploy', () => {
  it('passes on a healthy platform', async () => {
    const { stdout } = await smoke(t.http, TEST_SETTINGS.apiKey);
    expect(stdout).toMatch(/prediction: digits \S+ read the sample as 7/);
  });

  it('fails, saying why, when the prediction cannot be made', async () => {
    await expect(smoke(t.http, 'not-a-key')).rejects.toMatchObject({ stderr: expect.stringContaining('HTTP 401') });
  });
});
