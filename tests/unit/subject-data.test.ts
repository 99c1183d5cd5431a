import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { EXPORT_CONTENT_LIMIT_BYTES, exportSubject, type SubjectDataDeps } from '../../functions/subjects/subject-data';

/** A fake S3 holding objects of given sizes, which says which bodies were read and which were cancelled. */
function fakeS3(sizes: Record<string, number>) {
  const read: string[] = [];
  const cancelled: string[] = [];
  const s3 = {
    async send(command: { input: { Key: string } }) {
      const key = command.input.Key;
      return {
        ContentLength: sizes[key],
        ContentType: 'image/png',
        Body: {
          transformToByteArray: async () => (read.push(key), new Uint8Array(sizes[key]!)),
          transformToWebStream: () => ({ cancel: async () => void cancelled.push(key) }),
        },
      };
    },
  };
  return { s3: s3 as unknown as S3Client, read, cancelled };
}

const records = (keys: string[]) =>
  keys.map((key, i) => ({ predictionId: `p-${i}`, source: 's3', inputKey: key, subjectId: 'ps_x', createdAt: `${i}` }));

const deps = (s3: S3Client, keys: string[]): SubjectDataDeps => ({
  s3,
  documents: { send: async () => ({ Items: records(keys) }) } as unknown as DynamoDBDocumentClient,
  predictionsTable: 't',
  uploadsBucket: 'uploads',
  resultsBucket: 'results',
  now: () => new Date(0),
});

describe('exportSubject', () => {
  it('embeds the files while they fit', async () => {
    const { s3, read } = fakeS3({ a: 10, b: 20 });
    const exported = await exportSubject(deps(s3, ['a', 'b']), 'ps_x');
    expect(exported.contentIncluded).toBe(true);
    expect(exported.files.map((f) => [f.key, f.bytes, Buffer.from(f.contentBase64!, 'base64').length])).toEqual([
      ['a', 10, 10],
      ['b', 20, 20],
    ]);
    expect(read).toEqual(['a', 'b']);
  });

  it('past the limit lists the files without reading any more of them', async () => {
    const big = EXPORT_CONTENT_LIMIT_BYTES - 5;
    const { s3, read, cancelled } = fakeS3({ a: big, b: 10, c: 10 });
    const exported = await exportSubject(deps(s3, ['a', 'b', 'c']), 'ps_x');
    expect(exported.contentIncluded).toBe(false);
    expect(exported.files.map((f) => [f.key, f.bytes, f.contentBase64])).toEqual([
      ['a', big, undefined],
      ['b', 10, undefined],
      ['c', 10, undefined],
    ]);
    expect(read).toEqual(['a']);
    expect(cancelled).toEqual(['b', 'c']);
  });
});
