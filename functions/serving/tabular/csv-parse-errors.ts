import { InvalidInputError } from '../../platform/errors';

/**
 * The most characters the cells of one CSV record (a line) may hold together: far above any model's row, far below what
 * hurts. Without it one 20 MB line of 2M columns took a batch from 166 to 617 MB of memory (#20.14).
 */
export const MAX_RECORD_CHARACTERS = 1024 * 1024;

/** What each csv-parse failure means, said without the cell: csv-parse's own messages quote it. */
const WHY: Record<string, string> = {
  INVALID_OPENING_QUOTE:
    'a quote appears inside a field that does not start with one (quote the whole field and double the quotes inside it)',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field goes on after its closing quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a quoted field goes on after its closing quote',
  CSV_QUOTE_NOT_CLOSED: 'a quote is never closed',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'a line does not have as many fields as the header',
};

/** csv-parse names its errors' codes `CSV_…`, except `INVALID_OPENING_QUOTE` (csv-parse 7). */
const csvParseCode = (error: unknown): string | undefined => {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  return code.startsWith('CSV_') || code === 'INVALID_OPENING_QUOTE' ? code : undefined;
};

/**
 * A csv-parse failure as the caller's refusal: `record-too-large` for a line over MAX_RECORD_CHARACTERS, else
 * `invalid-csv`, with the line number and what is wrong, never csv-parse's message nor the error itself as a
 * cause (both carry the cell, and cells are personal data that must not reach answers or logs). Undefined for
 * any other error.
 */
export function csvParseRefusal(error: unknown): InvalidInputError | undefined {
  const code = csvParseCode(error);
  if (code === undefined) return undefined;
  const lines = (error as { lines?: unknown }).lines;
  const where = typeof lines === 'number' ? ` (line ${lines})` : '';
  if (code === 'CSV_MAX_RECORD_SIZE') {
    return new InvalidInputError(
      'record-too-large',
      `A line${where} holds more than ${MAX_RECORD_CHARACTERS} characters, more than any row a model takes.`,
    );
  }
  return new InvalidInputError('invalid-csv', `The CSV cannot be read${where}: ${WHY[code] ?? 'it is not well-formed CSV'}.`);
}
