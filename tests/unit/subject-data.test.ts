import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createMemoryErasureLedger } from '../../functions/shared/erasure-ledger';
import { createPseudonymiser } from '../../functions/shared/pseudonym';
import {
  EXPORT_CONTENT_LIMIT_BYTES,
  eraseSubject,
  exportSubject,
  type SubjectDataDeps,
} from '../../functions/subjects/subject-data';

const pseudonymise = createPseudonymiser('unit-test-pseudonym-key');
const X = pseudonymise('person-x');
/** person-x, with no earlier spelling (an ASCII identifier has none). */
const SUBJECT = { pseudonym: X, formerPseudonyms: [] };

interface FakeObject {
  size: number;
  subject?: string;
  eTag?: string;
  modified?: Date;
  replacedAfterHead?: FakeObject;
}

/** A fake S3 over a few objects: HEAD, GET, LIST and DELETE, noting which bodies were read and which deleted. */
function fakeS3(objects: Record<string, FakeObject>) {
  const read: string[] = [];
  const deleted: string[] = [];
  const missing = () => Object.assign(new Error('missing'), { name: 'NotFound' });
  const s3 = {
    async send(command: { constructor: { name: string }; input: { Key?: string } }) {
      const key = command.input.Key ?? '';
      const object = objects[key];
      const kind = command.constructor.name;
      if (kind === 'ListObjectsV2Command') return { Contents: [] };
      if (!object) throw missing();
      if (kind === 'DeleteObjectCommand') {
        const ifMatch = (command.input as { IfMatch?: string }).IfMatch;
        if (ifMatch && ifMatch !== `"${object.eTag ?? 'e'}"`)
          throw Object.assign(new Error('changed'), { name: 'PreconditionFailed' });
        return void (deleted.push(key), delete objects[key]);
      }
      const head = {
        ContentLength: object.size,
        ContentType: 'image/png',
        ETag: `"${object.eTag ?? 'e'}"`,
        LastModified: object.modified ?? new Date(0),
        Metadata: object.subject ? { 'subject-id': object.subject } : {},
      };
      if (kind === 'HeadObjectCommand') {
        // Someone uploads to the same key right after this read (the race the conditional delete closes).
        if (object.replacedAfterHead) objects[key] = object.replacedAfterHead;
        return head;
      }
      return {
        ...head,
        Body: {
          transformToByteArray: async () => (read.push(key), new Uint8Array(object.size)),
          transformToWebStream: () => ({ cancel: async () => undefined }),
        },
      };
    },
  };
  return { s3: s3 as unknown as S3Client, read, deleted };
}

const records = (keys: string[]) =>
  keys.map((key, i) => ({
    predictionId: `p-${i}`,
    source: 's3',
    inputKey: key,
    subjectId: X,
    createdAt: new Date(i).toISOString(),
  }));

/** A fake table holding the subject's records, which a DeleteCommand removes. */
function fakeTable(keys: string[]) {
  const items = records(keys);
  return {
    async send(command: { constructor: { name: string }; input: { Key?: { predictionId: string } } }) {
      if (command.constructor.name === 'QueryCommand') return { Items: [...items] };
      const at = items.findIndex((item) => item.predictionId === command.input.Key?.predictionId);
      if (at >= 0) items.splice(at, 1);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
}

const deps = (s3: S3Client, keys: string[]): SubjectDataDeps => ({
  s3,
  documents: fakeTable(keys),
  erasures: createMemoryErasureLedger(),
  pseudonymise,
  predictionsTable: 't',
  uploadsBucket: 'uploads',
  resultsBucket: 'results',
  now: () => new Date(1_000),
  settleMs: 0,
});

describe('exportSubject', () => {
  it('embeds the files while they fit', async () => {
    const { s3, read } = fakeS3({ a: { size: 10, subject: 'person-x' }, b: { size: 20, subject: 'person-x' } });
    const exported = await exportSubject(deps(s3, ['a', 'b']), SUBJECT);
    expect(exported.contentIncluded).toBe(true);
    expect(exported.files.map((f) => [f.key, f.bytes, Buffer.from(f.contentBase64!, 'base64').length])).toEqual([
      ['a', 10, 10],
      ['b', 20, 20],
    ]);
    expect(read).toEqual(['a', 'b']);
  });

  it('past the limit lists the files without reading any more of them', async () => {
    const big = EXPORT_CONTENT_LIMIT_BYTES - 5;
    const { s3, read } = fakeS3({
      a: { size: big, subject: 'person-x' },
      b: { size: 10, subject: 'person-x' },
      c: { size: 10, subject: 'person-x' },
    });
    const exported = await exportSubject(deps(s3, ['a', 'b', 'c']), SUBJECT);
    expect(exported.contentIncluded).toBe(false);
    expect(exported.files.map((f) => [f.key, f.bytes, f.contentBase64])).toEqual([
      ['a', big, undefined],
      ['b', 10, undefined],
      ['c', 10, undefined],
    ]);
    expect(read).toEqual(['a']);
  });

  it('leaves out an upload whose key now holds someone else’s object (#11.1)', async () => {
    const { s3, read } = fakeS3({
      mine: { size: 5, subject: 'person-x' },
      reused: { size: 7, subject: 'person-y' },
      anon: { size: 3 },
    });
    const exported = await exportSubject(deps(s3, ['mine', 'reused', 'anon']), SUBJECT);
    expect(exported.files.map((f) => f.key)).toEqual(['mine']);
    expect(read).toEqual(['mine']);
  });
});

describe('eraseSubject', () => {
  it('deletes only the subject’s own uploads, leaves a tombstone, and marks each deleted upload', async () => {
    const { s3, deleted } = fakeS3({
      mine: { size: 5, subject: 'person-x', eTag: 'm' },
      reused: { size: 7, subject: 'person-y' },
    });
    const d = deps(s3, ['mine', 'reused']);
    const receipt = await eraseSubject(d, SUBJECT);
    expect(deleted).toEqual(['mine']);
    expect(receipt).toMatchObject({ predictions: 2, files: 1, inFlightUploads: 0, inFlightScanComplete: true });
    expect(await d.erasures.erasedAt(X)).toEqual(new Date(1_000));
    expect(await d.erasures.objectErased({ bucket: 'uploads', key: 'mine', eTag: 'm' })).toBe(true);
    expect(await d.erasures.objectErased({ bucket: 'uploads', key: 'reused', eTag: 'e' })).toBe(false);
  });

  it('keeps what the person sent after the erasure began: they may come back (#11.2)', async () => {
    const { s3, deleted } = fakeS3({
      before: { size: 5, subject: 'person-x', modified: new Date(1_000) },
      after: { size: 5, subject: 'person-x', modified: new Date(2_000) },
    });
    const receipt = await eraseSubject(deps(s3, ['before', 'after']), SUBJECT);
    expect(deleted).toEqual(['before']);
    expect(receipt.files).toBe(1);
  });

  it('leaves an upload that someone else put at the key between the check and the delete (#11.1)', async () => {
    const { s3, deleted } = fakeS3({
      shared: { size: 5, subject: 'person-x', eTag: 'mine', replacedAfterHead: { size: 6, subject: 'person-y', eTag: 'theirs' } },
    });
    await eraseSubject(deps(s3, ['shared']), SUBJECT);
    expect(deleted).toEqual([]);
  });
});
