import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/** s3rver's filesystem store as patched (patches/s3rver+3.7.1.patch): how a key becomes a path under the bucket. */
const { encodeKeyPath, decodeKeyPath } = createRequire(import.meta.url)('s3rver/lib/stores/filesystem') as {
  encodeKeyPath(key: string): string;
  decodeKeyPath(path: string): string;
};

const ALPHABET = ['a', 'Z', '0', '.', '/', '%', '~', ' ', '+', '\u0000', '\r', '\n', '\u007f', '*', ':', '\\', 'é', '😀'];

/** Keys S3 accepts (at most 1024 bytes of UTF-8), drawn from the characters that trouble a filesystem. */
function randomKey(seed: number): string {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  let key = '';
  const length = 1 + (next() % 400);
  while (key.length < length) {
    const run = next() % 7 === 0 ? 1 + (next() % 300) : 1;
    key += ALPHABET[next() % ALPHABET.length]!.repeat(run);
  }
  while (Buffer.byteLength(key) > 1024) key = key.slice(0, -1);
  return key.replace(/[\uD800-\uDBFF]$/, '');
}

describe('local S3 key storage', () => {
  it('gives back every key it stores, in file names a filesystem takes, that never leave the bucket', () => {
    for (let seed = 1; seed <= 500; seed += 1) {
      const key = randomKey(seed);
      const path = encodeKeyPath(key);
      expect(decodeKeyPath(path), JSON.stringify(key)).toBe(key);
      for (const name of path.split('/')) {
        expect(['', '.', '..']).not.toContain(name);
        // 255 bytes a file name, less the longest suffix s3rver adds ('._S3rver_metadata.json').
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(233);
        // eslint-disable-next-line no-control-regex
        expect(name).not.toMatch(/[\u0000-\u001f\u007f]/);
      }
    }
  });

  it('refuses a key over 1024 bytes of UTF-8, as S3 does', () => {
    expect(() => encodeKeyPath('é'.repeat(513))).toThrow(expect.objectContaining({ code: 'KeyTooLongError' }));
    expect(() => encodeKeyPath('é'.repeat(512))).not.toThrow();
  });
});
