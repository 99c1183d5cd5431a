import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishConsole } from '../../scripts/deploy/publish-console';
import { startLocalS3, type LocalS3 } from '../support/local-s3';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3(['vigie-test-console']);
});
afterAll(async () => s3?.stop());

describe('publishing the console for CloudFront', () => {
  it('puts the page and its files under console/, each with its type and no-cache, where infra/console.yml reads them', async () => {
    const built = mkdtempSync(join(tmpdir(), 'vigie-console-'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>Vigie</title>');
    writeFileSync(join(built, 'app.js'), 'console.log(1)');
    writeFileSync(join(built, 'app.css'), 'body{}');
    expect(await publishConsole(s3.s3, 'vigie-test-console', built)).toEqual([
      'console/app.js',
      'console/app.css',
      'console/index.html',
    ]);
    expect(await s3.read('vigie-test-console', 'console/index.html')).toBe('<!doctype html><title>Vigie</title>');
    const page = await s3.s3.send(new HeadObjectCommand({ Bucket: 'vigie-test-console', Key: 'console/index.html' }));
    expect(page.ContentType).toBe('text/html; charset=utf-8');
    expect(page.CacheControl).toBe('no-cache');
    const script = await s3.s3.send(new HeadObjectCommand({ Bucket: 'vigie-test-console', Key: 'console/app.js' }));
    expect(script.ContentType).toBe('text/javascript; charset=utf-8');
  });
});
