import { MAX_PARTS, PART_MAX_BYTES } from '../platform/batch-parts';
import { InvalidInputError, NotFoundError, PayloadTooLargeError } from '../platform/errors';

/**
 * A CSV batch sent through the HTTP API in parts (the web console's batches): each part is staged in the uploads
 * bucket outside `incoming/` (so nothing triggers on it), and completing the batch writes the parts, in order, as
 * one `incoming/<model>/console/<batchId>.csv`: from there it is an upload like any other (one record, one results
 * file, progress on the record). Parts go through the API because the console's page may reach its own origin only
 * (its Content-Security-Policy), and one request may carry at most 6 MB into Lambda (docs/architecture.md, D28).
 */

const BATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id the client chose for its batch: a UUID, so that no two people's batches meet by chance. */
export function checkBatchId(batchId: string): string {
  if (!BATCH_ID.test(batchId)) throw new NotFoundError('A batch id is a UUID in lower case (crypto.randomUUID()).');
  return batchId;
}

function partNumber(text: string, label: string): number {
  const n = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n >= MAX_PARTS)
    throw new InvalidInputError(
      'invalid-part',
      `${label} is a whole number from 0 to ${MAX_PARTS - 1}, not '${text.slice(0, 16)}'.`,
    );
  return n;
}

/** A part's number in its URL: 0, 1, 2… in the order the file's bytes come. */
export const checkPart = (text: string) => partNumber(text, 'A part number');

/** How many parts a completed batch has, as the completing request says (`{"parts": n}`). */
export function checkPartCount(body: unknown): number {
  const parts = (body as { parts?: unknown } | undefined)?.parts;
  const n = typeof parts === 'number' ? parts - 1 : NaN;
  if (!Number.isInteger(n)) throw new InvalidInputError('invalid-part', 'Send {"parts": n}: how many parts were sent.');
  return partNumber(String(n), 'The last part') + 1;
}

export function checkPartSize(bytes: number): void {
  if (bytes === 0) throw new InvalidInputError('empty-input', 'The part is empty.');
  if (bytes > PART_MAX_BYTES)
    throw new PayloadTooLargeError(`A part holds at most ${PART_MAX_BYTES} bytes; this one has ${bytes}.`);
}

export const stagingPrefix = (model: string, batchId: string) => `staging/batches/${model}/${batchId}/`;
export const stagingKey = (model: string, batchId: string, part: number) =>
  `${stagingPrefix(model, batchId)}${String(part).padStart(4, '0')}`;
/** Where the completed batch is uploaded: the console's own folder of the model's uploads. */
export const batchInputKey = (model: string, batchId: string) => `incoming/${model}/console/${batchId}.csv`;
