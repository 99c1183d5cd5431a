import { createHash, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadPredictionId } from '../../functions/uploads/upload-key';
import { createPseudonymiser } from '../../functions/records/pseudonym';
import type { PredictionRecord } from '../../functions/records/records';
import type { ErasureReceipt, SubjectExport } from '../../functions/subjects/subject-data';
import { heldOutDigits, renderMnistPng, type DigitSample } from '../../scripts/samples/mnist';
import { validationFrames, type FrameRangeSplit } from '../../scripts/evaluation/car-dataset';
import { readFileSync } from 'node:fs';
import { digitsMetadata, MODELS_DIR } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * Whose data is whose, on the real local platform: keys reused by other people, uploads replaced or deleted
 * before they are read, erasure racing the processing of uploads, rejected keys, and subject ids that look like
 * URL encoding. Each case was a defect of issue #11.
 */
const pseudonymise = createPseudonymiser('local-dev-pseudonym-key-not-secret');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const digits = heldOutDigits(digitsMetadata().training.data.split);
const carMetadata = JSON.parse(readFileSync(`${MODELS_DIR}/car-detector/1.1.0/metadata.json`, 'utf8'));
const frames = validationFrames(carMetadata.training.data.split as FrameRangeSplit).filter((f) => f.boxes.length > 0);

let t: TestPlatform;
let results: string;

beforeAll(async () => {
  t = await startTestPlatform();
  results = t.platform.buckets.find((bucket) => bucket.endsWith('-results'))!;
});

afterAll(async () => {
  await t?.stop();
});

const digit = (label: string, nth = 0): DigitSample => digits.filter((d) => d.label === label)[nth]!;

async function upload(key: string, body: Uint8Array, subject?: string) {
  const put = await t.s3.send(
    new PutObjectCommand({
      Bucket: t.platform.uploadsBucket,
      Key: key,
      Body: body,
      Metadata: subject ? { 'subject-id': subject } : undefined,
    }),
  );
  return uploadPredictionId(t.platform.uploadsBucket, key, (put.ETag ?? '').replace(/"/g, ''));
}

const recordById = async (id: string) => (await t.records()).find((r) => r.predictionId === id);
const settled = (id: string, timeoutMs = 20_000) => eventually(() => recordById(id), timeoutMs);

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': TEST_SETTINGS.apiKey, ...init.headers } });
const exportOf = async (subject: string) =>
  (await (await api(`/v1/subjects/${encodeURIComponent(subject)}/export`)).json()) as SubjectExport;
const erase = async (subject: string) =>
  (await (await api(`/v1/subjects/${encodeURIComponent(subject)}`, { method: 'DELETE' })).json()) as ErasureReceipt;

async function objectBytes(bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const object = await t.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  } catch {
    return undefined;
  }
}

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const listed = await t.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!);
}

describe('a key reused by another person', () => {
  it('exports and erases by whose upload it is, never by the key alone (#11.1)', { timeout: 60_000 }, async () => {
    const key = 'incoming/digits/forms/shared.png';
    const aBytes = await renderMnistPng(digit('3'));
    const bBytes = await renderMnistPng(digit('8'));
    await settled(await upload(key, aBytes, 'subject-A'));
    await settled(await upload(key, bBytes, 'subject-B'));

    const a = await exportOf('subject-A');
    expect(a.predictions).toHaveLength(1);
    for (const file of a.files) expect(Buffer.from(file.contentBase64 ?? '', 'base64')).not.toEqual(bBytes);

    const receipt = await erase('subject-A');
    expect(receipt.predictions).toBe(1);
    expect(await objectBytes(t.platform.uploadsBucket, key)).toEqual(bBytes);
    const b = await exportOf('subject-B');
    expect(b.files.map((f) => [f.role, Buffer.from(f.contentBase64 ?? '', 'base64').equals(bBytes)])).toEqual([['upload', true]]);
  });

  it('keeps each annotated copy apart, so erasing one person leaves the other’s (#11.1)', { timeout: 60_000 }, async () => {
    const key = 'incoming/car-detector/shared/frame.jpg';
    const aId = await upload(key, readFileSync(frames[0]!.path), 'driver-A');
    const aRecord = await settled(aId);
    const bId = await upload(key, readFileSync(frames[1]!.path), 'driver-B');
    const bRecord = await settled(bId);
    // Each named after its own prediction (process-upload.ts), so the two copies of one key cannot collide.
    expect(aRecord.annotatedKey).toBe(`annotated/${aRecord.predictionId}/car-detector/shared/frame.jpg.jpg`);
    expect(bRecord.annotatedKey).toBe(`annotated/${bRecord.predictionId}/car-detector/shared/frame.jpg.jpg`);
    expect(aRecord.annotatedKey).not.toBe(bRecord.annotatedKey);
    const bAnnotated = await objectBytes(results, bRecord.annotatedKey!);

    await erase('driver-A');
    expect(await objectBytes(results, aRecord.annotatedKey!)).toBeUndefined();
    expect(await objectBytes(results, bRecord.annotatedKey!)).toEqual(bAnnotated);
    expect((await exportOf('driver-B')).files.map((f) => f.role).sort()).toEqual(['annotated', 'upload']);
  });
});

describe('uploads that change under the function', () => {
  it(
    'records each version of a key with its own bytes and person, or says it was replaced (#11.4)',
    { timeout: 90_000 },
    async () => {
      const key = 'incoming/digits/forms/rewritten.png';
      const sent: Array<{ id: string; label: string; sha: string; subject: string }> = [];
      for (let i = 0; i < 10; i += 1) {
        const sample = digit(String(i), 1);
        const bytes = await renderMnistPng(sample);
        const subject = `writer-${i}`;
        sent.push({ id: await upload(key, bytes, subject), label: sample.label, sha: sha256(bytes), subject });
      }
      await t.platform.drained();
      for (const { id, label, sha, subject } of sent) {
        const record = await settled(id);
        if (record.status === 'succeeded') {
          expect(record.inputSha256).toBe(sha);
          expect((record.result as { label: string }).label).toBe(label);
          expect(record.subjectId).toBe(pseudonymise(subject));
        } else {
          expect([record.status, record.error?.code]).toEqual(['rejected', 'input-replaced']);
          expect(record.subjectId).toBeUndefined();
        }
      }
      // The last version is never replaced: it is read as uploaded.
      expect((await recordById(sent.at(-1)!.id))?.status).toBe('succeeded');
    },
  );

  it(
    'ends an upload deleted before it was read with an input-gone record, not dead letters (#11.5)',
    { timeout: 60_000 },
    async () => {
      const key = 'incoming/digits/forms/withdrawn.png';
      // The notification is held until the object is gone: otherwise a warm function may read it first.
      const release = t.platform.holdDeliveries();
      const id = await upload(key, await renderMnistPng(digit('4')), 'subject-gone');
      await t.s3.send(new DeleteObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key }));
      release();
      const record = await settled(id);
      expect([record.status, record.error?.code]).toEqual(['rejected', 'input-gone']);
      await t.platform.drained();
      const deadLetters = join(t.env.VIGIE_STATE_DIR!, 'dead-letters');
      expect(readdirSync(deadLetters)).toEqual([]);
    },
  );
});

describe('rejected keys', () => {
  it('keep the subject’s pseudonym, drop the raw metadata, and go with an erasure (#11.6)', { timeout: 60_000 }, async () => {
    const keys = ['incoming/Digits/upper.png', 'incoming/digits/a/../b.png', 'incoming/digits/tab\there.png'];
    const ids = await Promise.all(keys.map(async (key) => upload(key, await renderMnistPng(digit('1')), 'subject-Q')));
    const records = await Promise.all(ids.map((id) => settled(id)));
    for (const record of records) {
      expect([record.status, record.error?.code, record.subjectId]).toEqual([
        'rejected',
        'invalid-key',
        pseudonymise('subject-Q'),
      ]);
      // The record is written first, then the upload is moved.
      const copy = await eventually(() =>
        t.s3.send(new HeadObjectCommand({ Bucket: results, Key: record.quarantineKey! })).catch(() => undefined),
      );
      expect(copy.Metadata ?? {}).not.toHaveProperty('subject-id');
    }
    const receipt = await erase('subject-Q');
    expect(receipt.predictions).toBe(3);
    for (const record of records) expect(await objectBytes(results, record.quarantineKey!)).toBeUndefined();
  });
});

describe('erasure racing uploads still in flight', () => {
  it('leaves nothing of the person once everything settles, and says what it covered (#11.2)', { timeout: 90_000 }, async () => {
    const subject = 'driver-in-flight';
    const keys = frames.slice(2, 6).map((_, i) => `incoming/car-detector/trip/frame-${i}.jpg`);
    await Promise.all(keys.map((key, i) => upload(key, readFileSync(frames[2 + i]!.path), subject)));
    const started = Date.now();
    const receipt = await erase(subject);
    console.warn(
      `erasure at once after 4 uploads: ${Date.now() - started} ms, ${receipt.predictions} record(s), ` +
        `${receipt.files} file(s) of which ${receipt.inFlightUploads} upload(s) still in flight`,
    );
    // What the receipt counts depends on the race (an upload may already be gone, deleted by its own processing
    // under the tombstone); what it promises does not.
    expect(receipt.inFlightScanComplete).toBe(true);
    expect(Date.parse(receipt.tombstoneUntil) - Date.parse(receipt.erasedAt)).toBe(15 * 86_400_000);

    // The uploads' events were queued before their PUTs were answered, and images are handled within their delivery:
    // once drained() returns, nothing more of theirs is written.
    await t.platform.drained();
    const pseudonym = pseudonymise(subject);
    expect((await t.records()).filter((r: PredictionRecord) => r.subjectId === pseudonym)).toEqual([]);
    for (const key of keys) expect(await objectBytes(t.platform.uploadsBucket, key)).toBeUndefined();
    expect(await keysUnder(results, 'annotated/')).not.toEqual(
      expect.arrayContaining([expect.stringContaining('car-detector/trip/')]),
    );
    const after = await exportOf(subject);
    expect([after.predictions.length, after.files.length]).toEqual([0, 0]);
  });
});

describe('subject ids that look like URL encoding', () => {
  it('are decoded once: user%41 is not userA, and 50%off can be served (#11.3)', { timeout: 60_000 }, async () => {
    await settled(await upload('incoming/digits/forms/user-a.png', await renderMnistPng(digit('5')), 'userA'));
    await settled(await upload('incoming/digits/forms/fifty.png', await renderMnistPng(digit('6')), '50%off'));

    const lookalike = await api('/v1/subjects/user%2541/export');
    expect(lookalike.status).toBe(200);
    expect(((await lookalike.json()) as SubjectExport).predictions).toEqual([]);
    const fifty = await api('/v1/subjects/50%25off/export');
    expect(fifty.status).toBe(200);
    expect(((await fifty.json()) as SubjectExport).predictions).toHaveLength(1);

    const erased = await api('/v1/subjects/user%2541', { method: 'DELETE' });
    expect(((await erased.json()) as ErasureReceipt).predictions).toBe(0);
    expect((await exportOf('userA')).predictions).toHaveLength(1);
  });
});

describe('a person named with accents, whatever the client sent', () => {
  // What Node hands the function for UTF-8 header bytes (curl, the AWS CLI): one character per byte.
  const asUtf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  const predictAs = (subjectHeader: string | string[], png: Buffer) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      // node:http sends a header string as latin-1 bytes and an array as one header line per value.
      const request = httpRequest(
        `${t.http}/v1/models/digits/predict`,
        {
          method: 'POST',
          headers: { 'x-api-key': TEST_SETTINGS.apiKey, 'content-type': 'image/png', 'x-subject-id': subjectHeader },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      request.on('error', reject);
      request.end(png);
    });

  it(
    'gives one pseudonym to UTF-8 and latin-1 bytes, on HTTP and S3, and erases them all, older records too',
    { timeout: 60_000 },
    async () => {
      const png = await renderMnistPng(digit('3'));
      const viaCurl = await predictAs(asUtf8Bytes('Hélène Dupré'), png);
      const viaFetch = await predictAs('Hélène Dupré', png);
      expect([viaCurl.status, viaFetch.status]).toEqual([200, 200]);
      // The AWS CLI sends metadata as UTF-8 bytes, the JavaScript SDK as latin-1; macOS may type é as e + U+0301.
      const uploads = [
        await upload('incoming/digits/forms/helene-cli.png', png, asUtf8Bytes('Hélène Dupré')),
        await upload('incoming/digits/forms/helene-sdk.png', png, 'Hélène Dupré'),
        await upload('incoming/digits/forms/helene-nfd.png', png, asUtf8Bytes('He\u0301le\u0300ne Dupre\u0301')),
      ];
      for (const id of uploads) await settled(id);

      const expected = pseudonymise('Hélène Dupré');
      const ids = [JSON.parse(viaCurl.body).predictionId, JSON.parse(viaFetch.body).predictionId, ...uploads];
      for (const id of ids) expect((await recordById(id))?.subjectId).toBe(expected);
      // A record stored before identifiers were normalised, from curl: under the pseudonym of the UTF-8 bytes.
      const before = {
        ...(await recordById(ids[0]))!,
        predictionId: randomUUID(),
        subjectId: pseudonymise(asUtf8Bytes('Hélène Dupré')),
      };
      await t.documents.send(new PutCommand({ TableName: t.platform.tables[0]!, Item: before }));
      expect((await exportOf('Hélène Dupré')).predictions).toHaveLength(6);

      const receipt = await erase('Hélène Dupré');
      expect(receipt.predictions).toBe(6);
      for (const id of [...ids, before.predictionId]) expect(await recordById(id)).toBeUndefined();
      expect(await keysUnder(t.platform.uploadsBucket, 'incoming/digits/forms/helene-')).toEqual([]);
    },
  );

  it(
    'refuses a repeated x-subject-id (joined by a comma, it would name no one) and records nothing',
    { timeout: 60_000 },
    async () => {
      const answer = await predictAs(['alice', 'bob'], await renderMnistPng(digit('4')));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).code).toBe('invalid-subject');
      const named = new Set(['alice,bob', 'alice, bob', 'alice', 'bob'].map(pseudonymise));
      expect((await t.records()).filter((record) => named.has(record.subjectId ?? ''))).toEqual([]);
    },
  );
});
