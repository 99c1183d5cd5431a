import type * as z from 'zod/mini';
import { InvalidInputError } from '../../platform/errors';

/**
 * Where a listing stopped, handed to the caller as an opaque text (base64url of the store's key as JSON) and read
 * back from the next request. The caller can send anything: the text must decode to JSON that `schema` accepts, or
 * it is a 400 `invalid-cursor` (a key DynamoDB refuses would otherwise be a 500).
 */
export function encodeCursor(key: object): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Longer than any key Vigie hands out: refused before it is decoded. */
const MAX_CURSOR_CHARS = 2_048;

export function decodeCursor<T>(cursor: string, schema: z.ZodMiniType<T>): T {
  const invalid = () =>
    new InvalidInputError('invalid-cursor', 'The cursor is not one this listing handed out: start again without it.');
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid();
  return parsed.data;
}
