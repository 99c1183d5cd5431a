import { describe, expect, it } from 'vitest';
import { parseUploadKey, uploadPredictionId } from '../../functions/uploads/upload-key';

describe('parseUploadKey', () => {
  it('takes the model from incoming/<model>/…', () => {
    expect(parseUploadKey('incoming/digits/2026/seven.png')).toEqual({
      kind: 'upload',
      key: 'incoming/digits/2026/seven.png',
      model: 'digits',
    });
  });

  it('decodes the URL-encoded keys of S3 events, unicode included', () => {
    expect(parseUploadKey('incoming/digits/my+photo%C3%A9%E4%B8%83.jpg')).toMatchObject({
      kind: 'upload',
      key: 'incoming/digits/my photoé七.jpg',
    });
  });

  it.each(['results/digits/a.png', 'elsewhere/incoming/digits/a.png', 'a.png'])('ignores %s, outside incoming/', (key) => {
    expect(parseUploadKey(key)).toEqual({ kind: 'ignored' });
  });

  it.each([
    'incoming/digits/',
    'incoming/a.png',
    'incoming/Digits/a.png',
    'incoming//a.png',
    'incoming/digits/../../etc/passwd.png',
    'incoming/digits/./a.png',
    'incoming/digits/a%00b.png',
    'incoming/digits/%E0%A4%A.png',
  ])('rejects %s with a reason', (key) => {
    const parsed = parseUploadKey(key);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.reason.length).toBeGreaterThan(10);
  });
});

describe('uploadPredictionId', () => {
  it('is the same for a redelivery of the same object and differs for a new version of it', () => {
    const first = uploadPredictionId('b', 'incoming/digits/a.png', 'etag-1');
    expect(uploadPredictionId('b', 'incoming/digits/a.png', 'etag-1')).toBe(first);
    expect(uploadPredictionId('b', 'incoming/digits/a.png', 'etag-2')).not.toBe(first);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
