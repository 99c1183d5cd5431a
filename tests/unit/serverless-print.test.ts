import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serverlessPrint } from '../../scripts/build/serverless-print';
import type { BuildStamp } from '../../scripts/build/build-stamp';

const CACHE = join('node_modules', '.cache', 'vigie-serverless-print');
const stamps = () => new Set(readdirSync(CACHE));
type Offline = { custom: { 'serverless-offline': { httpPort: string } } };
const made: string[] = [];
/** A print, noting the stamp it left (removed after the test: the variables below are this test's alone). */
async function print(env: NodeJS.ProcessEnv) {
  const before = stamps();
  const printed = await serverlessPrint('local', env);
  made.push(...[...stamps()].filter((name) => !before.has(name)));
  return printed;
}
afterAll(() => made.forEach((name) => rmSync(join(CACHE, name), { force: true })));

describe('serverlessPrint, kept between calls (issue #21: 1.4 s of CPU a platform start)', () => {
  it('prints again for other variable values, reuses the kept print for the same ones, stamped with what it read', async () => {
    // A CORS origin of its own: no other test's print shares this one's stamp.
    const env = { ...process.env, VIGIE_CORS_ORIGIN: `http://print-test-${randomUUID()}.invalid`, VIGIE_HTTP_PORT: '39101' };
    const first = await print(env);
    expect((first as unknown as Offline).custom['serverless-offline'].httpPort).toBe('39101');
    const other = await print({ ...env, VIGIE_HTTP_PORT: '39102' });
    expect((other as unknown as Offline).custom['serverless-offline'].httpPort).toBe('39102');

    // The stamp of the first print: altered, it is what the next call with the same variables returns.
    await print({ ...env, VIGIE_HTTP_PORT: '39103' });
    expect(made).toHaveLength(3);
    expect(made[2]).toMatch(/^local-[0-9a-f]{16}\.json$/);
    const path = join(CACHE, made[2]!);
    const stamp = JSON.parse(readFileSync(path, 'utf8')) as BuildStamp<Record<string, unknown>>;
    // Every file the framework reads is in it, so editing one prints again.
    expect(Object.keys(stamp.digests)).toEqual(
      expect.arrayContaining([
        'serverless.yml',
        'infra/api.yml',
        'infra/queries.cjs',
        'functions/platform/metric-names.json',
        'package-lock.json',
        ...readdirSync('governance/queries').map((name) => join('governance/queries', name)),
      ]),
    );
    writeFileSync(path, JSON.stringify({ ...stamp, result: { ...stamp.result, service: 'kept-print' } }));
    expect((await serverlessPrint('local', { ...env, VIGIE_HTTP_PORT: '39103' })).service).toBe('kept-print');

    // A stamp whose inputs changed is not reused.
    writeFileSync(path, JSON.stringify({ ...stamp, digests: { ...stamp.digests, 'serverless.yml': 'before-an-edit' } }));
    expect((await serverlessPrint('local', { ...env, VIGIE_HTTP_PORT: '39103' })).service).toBe('vigie');
  }, 60_000);
});
