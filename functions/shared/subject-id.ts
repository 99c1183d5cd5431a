/**
 * The person an input is about, read the same way wherever it is named (the `x-subject-id` header, the
 * `subject-id` metadata of an upload, the subjects route's path), so that one person always gets one pseudonym
 * and their erasure finds everything sent about them.
 *
 * Header bytes reach a function one character per byte (Node reads them as latin-1): `curl -H 'x-subject-id:
 * Hélène'` sends UTF-8 and arrived as `HÃ©lÃ¨ne`, while `fetch` sends the latin-1 byte of `é` and arrived as
 * `Hélène`: two pseudonyms for one person, and the erasure of `Hélène` missed the first. S3 returns non-ASCII
 * metadata as RFC 2047 encoded words (`=?UTF-8?B?…?=`). All of these read back as the same text here.
 */

import { InvalidInputError } from './errors';

/** S3 holds at most 2 KB of user metadata: no identifier S3 accepts is longer, so the subjects route takes them all. */
export const SUBJECT_ID_MAX_CHARS = 2048;

const ENCODED_WORDS = /^(?:=\?utf-8\?[bq]\?[^?\s]*\?=\s*)+$/i;
const ENCODED_WORD = /=\?utf-8\?([bq])\?([^?\s]*)\?=/gi;

/** RFC 2047 encoded words (B: base64; Q: `_` for space, `=XX` for a byte), joined: their bytes are UTF-8. */
function decodeEncodedWords(value: string): string {
  if (!ENCODED_WORDS.test(value)) return value;
  const bytes = [...value.matchAll(ENCODED_WORD)].map(([, encoding, text = '']) =>
    encoding!.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ),
  );
  return Buffer.concat(bytes).toString('utf8');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text whose characters are all bytes (U+0000–U+00FF) and spell valid UTF-8 is read as UTF-8; anything else is
 * kept as it is (latin-1 bytes, which are rarely valid UTF-8, and text already decoded).
 */
function decodeUtf8Bytes(value: string): string {
  const bytesOnly = [...value].every((char) => char.codePointAt(0)! <= 0xff);
  if (!bytesOnly || !/[\u0080-\u00ff]/.test(value)) return value;
  try {
    return strictUtf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** The identifier as text: decoded, trimmed, in Unicode NFC (a macOS keyboard may send `é` as e + U+0301). */
export function normaliseSubjectId(raw: string): string {
  return decodeUtf8Bytes(decodeEncodedWords(raw.trim())).trim().normalize('NFC');
}

/**
 * How the same identifier was pseudonymised before it was normalised (2026-11-26, D15): its UTF-8 bytes read as
 * latin-1, as Node read curl's header and the AWS CLI's metadata (composed or, from macOS, decomposed). Export
 * and erasure look under these too, so what was recorded then is still found. None for ASCII identifiers.
 */
export function formerSpellings(id: string): string[] {
  const forms = [id, id.normalize('NFD')].map((form) => Buffer.from(form, 'utf8').toString('latin1'));
  return [...new Set(forms)].filter((form) => form !== id);
}

/**
 * What is wrong with an identifier sent in an HTTP header, if anything. HTTP joins a repeated header's values
 * with commas, so a comma cannot be told from two people named in one request: refused, like control characters.
 */
function headerSubjectIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'x-subject-id is empty: leave the header out, or name the person the input is about.';
  if (id.length > SUBJECT_ID_MAX_CHARS) return `x-subject-id is longer than ${SUBJECT_ID_MAX_CHARS} characters.`;
  if (id.includes(',')) {
    return 'x-subject-id names one person, without commas (a repeated header arrives joined by commas).';
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f-\u009f]/.test(id)) return 'x-subject-id holds a control character.';
  return undefined;
}

/**
 * The person `x-subject-id` names (headers as API Gateway hands them, names in lower case), or undefined without
 * the header; 400 `invalid-subject` when it cannot name one person.
 */
export function subjectFromHeaders(headers: Record<string, string | undefined> | undefined): string | undefined {
  const raw = headers?.['x-subject-id'];
  if (raw === undefined) return undefined;
  const id = normaliseSubjectId(raw);
  const problem = headerSubjectIdProblem(id);
  if (problem) throw new InvalidInputError('invalid-subject', problem);
  return id;
}
