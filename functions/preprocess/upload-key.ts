/**
 * What an S3 key means to the platform:
 * - `upload`: `incoming/<model>/<any/path>`, a prediction to make;
 * - `invalid`: under `incoming/` but not a usable upload key (no model folder, `.`/`..` segments, control
 *   characters): rejected and quarantined, so the sender learns why;
 * - `ignored`: anything else; not ours (in AWS the notification's prefix filter never even sends it).
 */
export type UploadKey =
  { kind: 'upload'; key: string; model: string } | { kind: 'invalid'; key: string; reason: string } | { kind: 'ignored' };

const MODEL = /^[a-z0-9][a-z0-9-]{0,63}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** S3 event keys arrive URL-encoded with '+' for spaces; throws on malformed encoding. */
export const decodeEventKey = (encodedKey: string) => decodeURIComponent(encodedKey.replace(/\+/g, ' '));

export function parseUploadKey(encodedKey: string): UploadKey {
  let key: string;
  try {
    key = decodeEventKey(encodedKey);
  } catch {
    return { kind: 'invalid', key: encodedKey, reason: 'The key is not valid URL encoding.' };
  }
  const [prefix, model, ...rest] = key.split('/');
  if (prefix !== 'incoming') return { kind: 'ignored' };
  if (!model || !MODEL.test(model))
    return { kind: 'invalid', key, reason: 'Put uploads under incoming/<model>/, model in lower case.' };
  if (rest.length === 0 || rest.some((part) => part === '' || part === '.' || part === '..')) {
    return { kind: 'invalid', key, reason: 'The key has an empty, "." or ".." path segment.' };
  }
  if (CONTROL.test(key)) return { kind: 'invalid', key, reason: 'The key holds control characters.' };
  return { kind: 'upload', key, model };
}
