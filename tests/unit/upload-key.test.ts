import { describe, expect, it } from 'vitest';
import { parseUploadKey } from '../../functions/preprocess/upload-key';
import { uploadPredictionId } from '../../functions/preprocess/process-upload';

describe('parseUploadKey', () => {
  it('takes the model from incoming/<model>/…', () => {
    expect(parseUploadKey('incoming/digits/2026/seven.png')).toEqual({ key: 'incoming/digits/2026/seven.png', model: 'digits' });
  });

  it('decodes the URL-encoded keys of S3 events', () => {
    expect(parseUploadKey('incoming/digits/my+photo%C3%A9.jpg')?.key).toBe('incoming/digits/my photoé.jpg');
  });

  it.each(['results/digits/a.png', 'incoming/digits/', 'incoming/a.png', 'incoming/Digits/a.png', 'incoming//a.png', 'a.png'])(
    'ignores %s',
    (key) => {
      expect(parseUploadKey(key)).toBeUndefined();
    },
  );
});

describe('uploadPredictionId', () => {
  it('is the same for a redelivery of the same object and differs for a new version of it', () => {
    const first = uploadPredictionId('b', 'incoming/digits/a.png', 'etag-1');
    expect(uploadPredictionId('b', 'incoming/digits/a.png', 'etag-1')).toBe(first);
    expect(uploadPredictionId('b', 'incoming/digits/a.png', 'etag-2')).not.toBe(first);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
