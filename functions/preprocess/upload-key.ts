/** An upload the platform acts on: `incoming/<model>/<any/path>.<ext>`. */
export interface UploadKey {
  key: string;
  model: string;
}

const MODEL = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * S3 event keys arrive URL-encoded with '+' for spaces. Anything outside `incoming/<model>/` is not ours
 * (the local S3 emulator ignores notification filters, so the handler must filter itself).
 */
export function parseUploadKey(encodedKey: string): UploadKey | undefined {
  const key = decodeURIComponent(encodedKey.replace(/\+/g, ' '));
  const [prefix, model, ...rest] = key.split('/');
  if (prefix !== 'incoming' || !model || !MODEL.test(model) || rest.length === 0 || rest.some((part) => part === '')) {
    return undefined;
  }
  return { key, model };
}
