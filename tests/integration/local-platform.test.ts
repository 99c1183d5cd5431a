import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldOutDigits, renderMnistPng } from '../../scripts/samples/mnist';
import { digitsMetadata } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * The local platform itself, attacked as issue #11 did: keys S3 accepts but a filesystem does not, a
 * serverless-offline that dies, a stop with notifications still queued, a port already taken.
 */
const sevens = heldOutDigits(digitsMetadata().training.data.split).filter((s) => s.label === '7');
const png = () => renderMnistPng(sevens[0]!);

async function put(t: TestPlatform, key: string, bucket = t.platform.uploadsBucket) {
  return t.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await png() }));
}

async function health(t: TestPlatform): Promise<number | undefined> {
  return fetch(`${t.http}/v1/health`).then(
    (response) => response.status,
    () => undefined,
  );
}

/** Every key of a bucket, two per page, so the continuation tokens are exercised too. */
async function listAll(t: TestPlatform, bucket: string): Promise<string[]> {
  const listed: string[] = [];
  let token: string | undefined;
  do {
    const page = await t.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2, ContinuationToken: token }));
    listed.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return listed;
}

const recordsFor = async (t: TestPlatform, keys: string[]) =>
  (await t.records()).filter((record) => keys.includes(record.inputKey ?? ''));

describe('one platform, attacked', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('stores a key longer than a file name, refuses one over 1024 bytes as S3 does, and keeps serving', async () => {
    const long = `incoming/digits/${'n'.repeat(290)}.png`;
    await put(t, long);
    await expect(put(t, `incoming/digits/${'y'.repeat(1100)}.png`)).rejects.toMatchObject({ name: 'KeyTooLongError' });
    const stored = await t.s3.send(new GetObjectCommand({ Bucket: t.platform.uploadsBucket, Key: long }));
    expect((await stored.Body!.transformToByteArray()).length).toBeGreaterThan(0);
    const [record] = await eventually(async () => {
      const found = await recordsFor(t, [long]);
      return found.length === 1 ? found : undefined;
    }, 30_000);
    expect(record?.status).toBe('succeeded');
    expect(await health(t)).toBe(200);
  }, 60_000);

  // Outside incoming/, so the preprocess function leaves these objects where they are.
  it('keeps a key made of ".." segments inside its state folder', async () => {
    const stateDir = t.env.VIGIE_STATE_DIR!;
    const name = `escape-${randomUUID()}.png`;
    // From the uploads bucket's folder, four levels up is the folder holding the state folder.
    const key = `keys-test/../../../../${name}`;
    await put(t, key);
    const escaped = [dirname(stateDir), stateDir, join(stateDir, 's3')].filter((folder) =>
      readdirSync(folder).some((file) => file.startsWith(name)),
    );
    expect(escaped).toEqual([]);
    const stored = await t.s3.send(new GetObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key }));
    expect(stored.ContentLength).toBeGreaterThan(0);
    expect(await listAll(t, t.platform.uploadsBucket)).toContain(key);
  }, 30_000);

  it('lists keys holding control characters page by page, and each listed key can be read back', async () => {
    const keys = [
      'keys-test/listed/ctl-\u0001.png',
      'keys-test/listed/cr-\r.png',
      'keys-test/listed/nul-\u0000.png',
      'keys-test/listed/50%+1 é.png',
    ];
    for (const bucket of t.platform.buckets) for (const key of keys) await put(t, key, bucket);
    await t.platform.drained();
    for (const bucket of t.platform.buckets) {
      const listed = await listAll(t, bucket);
      expect(listed).toEqual(expect.arrayContaining(keys));
      for (const key of listed) {
        const object = await t.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        expect(object.ContentLength, JSON.stringify(key)).toBeGreaterThan(0);
      }
      // As the AWS CLI and boto3 ask for them: URL-encoded, and decoded by the client.
      const encoded = await t.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'keys-test/listed/', EncodingType: 'url' }),
      );
      expect((encoded.Contents ?? []).map((object) => decodeURIComponent(object.Key!)).sort()).toEqual([...keys].sort());
    }
  }, 60_000);

  it('gives every HTTP request its own requestId, shaped as API Gateway makes them', async () => {
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(`${t.http}/v1/models/digits/predict`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', 'x-api-key': TEST_SETTINGS.apiKey },
        body: await png(),
      });
      expect(response.status).toBe(200);
    }
    const ids = (await t.records()).filter((record) => record.source === 'http').map((record) => record.requestId);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9+/]{15}=$/);
  }, 30_000);

  it('runs serverless-offline with two malloc arenas and a fixed mmap threshold, so its memory falls back after a burst (#20, vigie soak)', () => {
    const environment = readFileSync(`/proc/${t.platform.offlinePid()}/environ`, 'utf8').split('\0');
    expect(environment).toEqual(expect.arrayContaining(['MALLOC_ARENA_MAX=2', 'MALLOC_MMAP_THRESHOLD_=131072']));
  });

  it('starts serverless-offline again when it dies, and processes the uploads that follow', async () => {
    process.kill(-t.platform.offlinePid()!, 'SIGKILL');
    await eventually(async () => ((await health(t)) === undefined ? true : undefined), 10_000);
    await eventually(async () => ((await health(t)) === 200 ? true : undefined), 90_000);
    const key = 'incoming/digits/after-restart.png';
    await put(t, key);
    await eventually(async () => ((await recordsFor(t, [key])).length === 1 ? true : undefined), 30_000);
  }, 150_000);
});

describe('a stop with notifications still queued', () => {
  it('delivers every upload after a restart on the same state folder', async () => {
    const first = await startTestPlatform();
    const stateDir = first.env.VIGIE_STATE_DIR!;
    const keys = Array.from({ length: 20 }, (_, i) => `incoming/digits/queued/${i}.png`);
    await Promise.all(keys.map((key) => put(first, key)));
    await first.stop();

    const second = await startTestPlatform({ stateDir });
    try {
      const records = await eventually(async () => {
        const found = await recordsFor(second, keys);
        return found.length === keys.length ? found : undefined;
      }, 60_000);
      expect(records.every((record) => record.status === 'succeeded')).toBe(true);
      await second.platform.drained();
      expect(readdirSync(join(stateDir, 'queue'))).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 180_000);
});

/** The test ports as `vigie start` and the measurements read them. */
const TEST_PORTS_ENV = {
  VIGIE_HTTP_PORT: String(TEST_SETTINGS.httpPort),
  VIGIE_LAMBDA_PORT: String(TEST_SETTINGS.lambdaPort),
  VIGIE_S3_PORT: String(TEST_SETTINGS.s3Port),
  VIGIE_DYNAMODB_PORT: String(TEST_SETTINGS.dynamodbPort),
};

describe('npm start on a port already taken', () => {
  it('says why and exits with an error, without claiming to run', async () => {
    const squatter = createServer((_, response) => response.end('someone else')).listen(TEST_SETTINGS.httpPort, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/local/start.ts'], {
        env: {
          ...process.env,
          ...TEST_PORTS_ENV,
          VIGIE_STATE_DIR: mkdtempSync(join(tmpdir(), 'vigie-busy-')),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      // A platform that wrongly keeps running is ended here, not left holding the test ports.
      const timer = setTimeout(() => child.kill('SIGINT'), 90_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(timer);
      expect(code, output).toBe(1);
      expect(output).toMatch(/Vigie did not start: .*EADDRINUSE/);
      expect(output).not.toMatch(/Vigie is running/);
    } finally {
      squatter.close();
    }
  }, 120_000);
});

describe('vigie latency on a port already taken (issue #21)', () => {
  it('takes its ports from the VIGIE_*_PORT variables and, on a clash, says why as `vigie start` does: no stack trace', async () => {
    // The test ports, not the measurement's own: the clash proves the variables were read.
    const squatter = createServer().listen(TEST_SETTINGS.dynamodbPort, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const child = spawn(process.execPath, ['bin/vigie.js', 'latency'], {
        env: {
          ...process.env,
          ...TEST_PORTS_ENV,
          // Were the variables ignored, the measurement would run and end 0: keep that short.
          LATENCY_HTTP_REQUESTS: '1',
          LATENCY_UPLOADS: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGINT'), 150_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(timer);
      expect(code, output).toBe(1);
      expect(output).toMatch(new RegExp(`Vigie did not start: .*EADDRINUSE.*:${TEST_SETTINGS.dynamodbPort}`));
      expect(output).not.toMatch(/^\s+at /m);
    } finally {
      squatter.close();
    }
  }, 180_000);
});
