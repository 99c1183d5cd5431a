import { extname } from 'node:path';

const BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.csv': 'text/csv',
};

/**
 * The content type to send a prediction input with: from the file's extension, else (standard input, or a name
 * without one) from its first bytes: an image's signature, `{` or `[` for JSON, otherwise CSV text.
 */
export function inputContentType(name: string, bytes: Uint8Array): string {
  const known = BY_EXTENSION[extname(name).toLowerCase()];
  if (known) return known;
  const head = Buffer.from(bytes.subarray(0, 12));
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'image/webp';
  const text = head.toString('utf8').trimStart();
  return text.startsWith('{') || text.startsWith('[') ? 'application/json' : 'text/csv';
}
