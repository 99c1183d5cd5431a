import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deadLetter, encodeEventKey } from '../../scripts/local/delivery-queue';

describe('a local dead letter', () => {
  it('names its object by the SHA-256 of the key and holds the key in no form', () => {
    const key = 'incoming/digits/Jean Dupont/ça va+1.png';
    const event = {
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: 'uploads' }, object: { key: encodeEventKey(key), eTag: 'abc', sequencer: '01' } },
        },
      ],
    };
    const error = `Could not read s3://uploads/${encodeEventKey(key)} ("${key}", ${encodeURIComponent(key)})`;
    const letter = deadLetter(event, error, 3);
    expect(letter).toMatchObject({ bucket: 'uploads', eTag: 'abc', sequencer: '01', attempts: 3 });
    expect(letter.keySha256).toBe(createHash('sha256').update(key).digest('hex'));
    expect(letter.error).toBe('Could not read s3://uploads/[key] ("[key]", [key])');
    expect(JSON.stringify(letter)).not.toMatch(/Dupont/);
  });
});
