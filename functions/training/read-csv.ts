import { parse } from 'csv-parse/sync';
import { InvalidInputError } from '../platform/errors';
import { decodeCsv, sniffDialect } from '../serving/tabular/csv-dialect';
import { csvParseRefusal, MAX_RECORD_CHARACTERS } from '../serving/tabular/csv-parse-errors';
import { columnName } from '../serving/tabular/spec';
import type { TrainingLimits } from '../platform/training-limits';

export interface RawTable {
  header: string[];
  rows: string[][];
}

/** The failures of a training file, each with a stable code (docs/automl.md, "Bad input"). */
export const trainingInputError = (code: string, message: string) => new InvalidInputError(code, message);

/**
 * The training file as text cells, read in the same dialects as batches (`,` or `;`, BOM, CRLF, quotes; UTF-8 or
 * French Excel's Windows-1252; decimal commas are read per cell by parseDecimal). Binary data, a ragged row, or a
 * file over the limits fails here, before anything is learnt.
 */
export function readTrainingCsv(bytes: Uint8Array, limits: TrainingLimits): RawTable {
  if (bytes.length > limits.maxBytes) {
    throw trainingInputError('file-too-large', `The file has ${bytes.length} bytes; the limit is ${limits.maxBytes}.`);
  }
  const { text } = decodeCsv(bytes, true);
  if (text.includes('\u0000')) throw trainingInputError('not-csv', 'The file holds binary data: a CSV export is expected.');
  if (text.trim() === '') throw trainingInputError('empty-input', 'The file is empty.');
  const dialect = sniffDialect(text.slice(0, 64 * 1024));
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: dialect.separator,
      bom: true,
      skip_empty_lines: true,
      trim: true,
      to: limits.maxRows + 2,
      max_record_size: MAX_RECORD_CHARACTERS,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      const line = (error as { lines?: number }).lines;
      throw trainingInputError('ragged-rows', `Line ${line ?? '?'} does not have as many fields as the header.`);
    }
    throw csvParseRefusal(error) ?? error;
  }
  const [rawHeader, ...rows] = records;
  const header = rawHeader?.map(columnName);
  if (!header || header.length < 2) {
    throw trainingInputError('not-csv', 'The file needs a header row with at least two columns (features and a target).');
  }
  if (rows.length > limits.maxRows) {
    throw trainingInputError('too-many-rows', `The file has more than ${limits.maxRows} rows, the limit.`);
  }
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) throw trainingInputError('invalid-csv', `The header names column '${duplicate}' twice.`);
  return { header, rows };
}
