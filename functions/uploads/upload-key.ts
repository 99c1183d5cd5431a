import { createHash } from 'node:crypto';
import { MODEL_NAME } from '../platform/model-name';

/**
 * What an S3 key means to the platform:
 * - `upload`: `incoming/<model>/<any/path>`, a prediction to make;
 * - `invalid`: under `incoming/` but not a usable upload key (no model folder, `.`/`..` segments, control
 *   characters): rejected and quarantined, so the sender learns why;
 * - `ignored`: anything else; not ours (in AWS the notification's prefix filter never even sends it).
 */
export type UploadKey =
  { kind: 'upload'; key: string; model: string } | { kind: 'invalid'; key: string; reason: string } | { kind: 'ignored' };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** S3 URL-encodes keys in notifications (spaces as '+'): how an event the platform makes names its object. */
export const encodeEventKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
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
  if (!model || !MODEL_NAME.test(model))
    return { kind: 'invalid', key, reason: 'Put uploads under incoming/<model>/, model in lower case.' };
  if (rest.length === 0 || rest.some((part) => part === '' || part === '.' || part === '..')) {
    return { kind: 'invalid', key, reason: 'The key has an empty, "." or ".." path segment.' };
  }
  if (CONTROL.test(key)) return { kind: 'invalid', key, reason: 'The key holds control characters.' };
  return { kind: 'upload', key, model };
}

/**
 * The same object (bucket, key, ETag) always gets the same prediction id, so a redelivered event finds the
 * record it already wrote instead of writing a second one.
 */
export function uploadPredictionId(bucket: string, key: string, eTag: string): string {
  const hex = createHash('sha256').update(`s3://${bucket}/${key}#${eTag}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f]/g;

/** Rejected keys can hold anything: control characters and dot segments are replaced, so the copy is plain. */
export function quarantineKeyFor(predictionId: string, key: string): string {
  const path = key
    .replace(UNSAFE, '_')
    .split('/')
    .map((part) => (part === '.' || part === '..' ? '_' : part))
    .join('/');
  return `quarantine/${predictionId}/${path}`;
}
