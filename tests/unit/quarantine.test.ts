import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarantine } from '../../functions/uploads/quarantine';
import { startLocalS3, type LocalS3 } from '../support/local-s3';

/** Quarantine against the local S3 as the platform runs it: it moves the checked upload, never its replacement. */
const uploads = 'uploads';
const results = 'results';
let local: LocalS3;

beforeAll(async () => {
  local = await startLocalS3([uploads, results]);
});
afterAll(() => local?.stop());

const put = async (key: string, body: string) =>
  (await local.s3.send(new PutObjectCommand({ Bucket: uploads, Key: key, Body: body }))).ETag!.replace(/"/g, '');
const read = (bucket: string, key: string) => local.read(bucket, key);

describe('quarantine', () => {
  it('moves the rejected upload it checked into quarantine/', async () => {
    const eTag = await put('incoming/digits/a.png', 'not a picture');
    await quarantine(
      { s3: local.s3, resultsBucket: results },
      { bucket: uploads, key: 'incoming/digits/a.png', eTag },
      'quarantine/p1/a.png',
    );
    expect(await read(results, 'quarantine/p1/a.png')).toBe('not a picture');
    expect(await read(uploads, 'incoming/digits/a.png')).toBeUndefined();
  });

  it('leaves alone an upload that replaced it, and quarantines nothing under the rejected one’s record', async () => {
    const rejected = await put('incoming/digits/b.png', 'not a picture');
    await put('incoming/digits/b.png', 'someone else’s upload');
    await quarantine(
      { s3: local.s3, resultsBucket: results },
      { bucket: uploads, key: 'incoming/digits/b.png', eTag: rejected },
      'quarantine/p2/b.png',
    );
    expect(await read(results, 'quarantine/p2/b.png')).toBeUndefined();
    expect(await read(uploads, 'incoming/digits/b.png')).toBe('someone else’s upload');
  });
});
