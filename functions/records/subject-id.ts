/**
 * The person an input is about, read the same way wherever it is named (the `x-subject-id` header, the
 * `subject-id` metadata of an upload, the subjects route's path), so that one person always gets one pseudonym
 * and their erasure finds everything sent about them.
 *
 * Header bytes reach a function one character per byte: `curl -H 'x-subject-id: Hélène'` sends UTF-8 and arrived as
 * `HÃ©lÃ¨ne`, while `fetch` sends the latin-1 byte of `é` and arrived as `Hélène`: two pseudonyms for one person,
 * and the erasure of `Hélène` missed the first. Both, and S3's encoded words, read back as the same text here
 * (header-text.ts).
 */

import { InvalidInputError } from '../platform/errors';
import { headerText } from '../platform/header-text';

/** S3 holds at most 2 KB of user metadata: no identifier S3 accepts is longer, so the subjects route takes them all. */
export const SUBJECT_ID_MAX_CHARS = 2048;

/** The identifier as text: decoded, trimmed, in Unicode NFC (a macOS keyboard may send `é` as e + U+0301). */
export function normaliseSubjectId(raw: string): string {
  return headerText(raw.trim()).trim().normalize('NFC');
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
 * What is wrong with an identifier sent in an HTTP header (named `label` in the answer), if anything. HTTP joins a
 * repeated header's values with commas, so a comma cannot be told from two people named in one request: refused,
 * like control characters. `vigie predict --subject` asks it before sending (scripts/cli/commands/predict.ts).
 */
export function headerSubjectIdProblem(id: string, label = 'x-subject-id'): string | undefined {
  if (id.length === 0) return `${label} is empty: leave it out, or name the person the input is about.`;
  if (id.length > SUBJECT_ID_MAX_CHARS) return `${label} is longer than ${SUBJECT_ID_MAX_CHARS} characters.`;
  if (id.includes(',')) {
    return `${label} names one person, without commas (a repeated header arrives joined by commas).`;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f-\u009f]/.test(id)) return `${label} holds a control character (a line break, a tab…).`;
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
