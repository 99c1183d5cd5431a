import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../support/local-s3';

/** The local S3 as the platform runs it (patches/s3rver+3.7.1.patch), under concurrent and conditional writes. */
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const unquoted = (etag: string | undefined) => (etag ?? '').replace(/"/g, '');

describe('local S3 under concurrent writes to one key', () => {
  const bucket = 'consistency';
  let local: LocalS3;
  let s3: S3Client;

  beforeAll(async () => {
    local = await startLocalS3([bucket]);
    s3 = local.s3;
  });
  afterAll(() => local?.stop());

  it('answers every GET with the ETag and metadata of the very bytes it sends, as S3 does', { timeout: 60_000 }, async () => {
    const key = 'incoming/race/same.bin';
    // Versions of different sizes, so a torn read also shows in the length.
    const versions = Array.from({ length: 12 }, (_, i) => Buffer.alloc(20_000 + i * 3_001, i + 1));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: versions[0], Metadata: { version: '0' } }));
    const reads: Array<{ etag: string; version: string | undefined; bytes: Uint8Array }> = [];
    const writer = (async () => {
      for (let round = 0; round < 6; round += 1) {
        await Promise.all(
          versions.map((body, i) =>
            s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: { version: String(i) } })),
          ),
        );
      }
    })();
    let writing = true;
    void writer.finally(() => (writing = false));
    while (writing) {
      const batch = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          return {
            etag: unquoted(object.ETag),
            version: object.Metadata?.version,
            bytes: await object.Body!.transformToByteArray(),
          };
        }),
      );
      reads.push(...batch);
    }
    await writer;
    expect(reads.length).toBeGreaterThan(20);
    for (const read of reads) {
      expect(md5(read.bytes)).toBe(read.etag);
      expect(read.bytes[0]).toBe(Number(read.version) + 1);
    }
  });

  it('deletes on If-Match only the object that still has that ETag', async () => {
    const key = 'incoming/race/conditional.bin';
    const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'first' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'second' }));
    await expect(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: first.ETag }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    const kept = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await kept.Body!.transformToString()).toBe('second');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: kept.ETag }));
    await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('writes on If-None-Match: * only a key that does not exist yet, and on If-Match only over that object', async () => {
    const key = 'models/race/1.0.0/metadata.json';
    const claims = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((body) =>
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfNoneMatch: '*' })),
      ),
    );
    expect(claims.filter((claim) => claim.status === 'fulfilled')).toHaveLength(1);
    for (const claim of claims.filter((c) => c.status === 'rejected')) {
      expect(claim.reason).toMatchObject({ $metadata: { httpStatusCode: 412 } });
    }
    const current = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const winner = await current.Body!.transformToString();
    const updates = await Promise.allSettled(
      ['x', 'y'].map((body) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfMatch: current.ETag }))),
    );
    expect(updates.map((update) => update.status).sort()).toEqual(['fulfilled', 'rejected']);
    const after = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
    expect(['x', 'y']).toContain(after);
    expect(after).not.toBe(winner);
    await expect(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'models/race/absent.json', Body: 'z', IfMatch: current.ETag })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });
});
