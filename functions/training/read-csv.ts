import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import { InvalidInputError } from '../platform/errors';
import { sniffDialect } from '../serving/tabular/csv-dialect';
import { csvParseRefusal, MAX_RECORD_CHARACTERS } from '../serving/tabular/csv-parse-errors';
import { columnName } from '../serving/tabular/spec';
import type { TrainingLimits } from '../platform/training-limits';
import { TableBuilder, type TrainingTable } from './columns';

/** The failures of a training file, each with a stable code (docs/automl.md, "Bad input"). */
export const trainingInputError = (code: string, message: string) => new InvalidInputError(code, message);

const HEAD_BYTES = 64 * 1024;
const TRANSCODE_CHUNK = 1024 * 1024;

/**
 * The file as UTF-8 bytes, what csv-parse reads: the file itself when it is UTF-8 (no copy, no text of the whole
 * file), else French Excel's Windows-1252 transcoded chunk by chunk into one buffer of the exact size.
 */
function utf8Bytes(bytes: Uint8Array): Buffer {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) return buffer;
  const chunks = function* () {
    const decoder = new TextDecoder('windows-1252');
    for (let start = 0; start < bytes.length; start += TRANSCODE_CHUNK) {
      yield decoder.decode(bytes.subarray(start, start + TRANSCODE_CHUNK), { stream: true });
    }
  };
  let size = 0;
  for (const text of chunks()) size += Buffer.byteLength(text);
  const utf8 = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const text of chunks()) offset += utf8.write(text, offset);
  return utf8;
}

/** Records in the file at most: one per line feed, and one more (the last line may have none). */
function lineCount(buffer: Buffer): number {
  let lines = 1;
  for (let at = buffer.indexOf(10); at >= 0; at = buffer.indexOf(10, at + 1)) lines += 1;
  return lines;
}

const isBlank = (buffer: Buffer) => buffer.every((byte) => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d));

/**
 * The training file into typed columns as csv-parse reads it, in the same dialects as batches (`,` or `;`, BOM,
 * CRLF, quotes; UTF-8 or French Excel's Windows-1252; decimal commas are read per cell by parseDecimal): no record
 * is kept, each goes into the columns (columns.ts) as it is parsed, so memory is the file and its columns (#26).
 * Binary data, a ragged row, or a file over the limits fails here, before anything is learnt.
 */
export function readTrainingCsv(bytes: Uint8Array, limits: TrainingLimits): TrainingTable {
  if (bytes.length > limits.maxBytes) {
    throw trainingInputError('file-too-large', `The file has ${bytes.length} bytes; the limit is ${limits.maxBytes}.`);
  }
  const utf8 = utf8Bytes(bytes);
  if (utf8.includes(0)) throw trainingInputError('not-csv', 'The file holds binary data: a CSV export is expected.');
  const withoutBom = utf8[0] === 0xef && utf8[1] === 0xbb && utf8[2] === 0xbf ? utf8.subarray(3) : utf8;
  if (isBlank(withoutBom)) throw trainingInputError('empty-input', 'The file is empty.');
  const dialect = sniffDialect(utf8.subarray(0, HEAD_BYTES).toString('utf8'));
  let table: TableBuilder | undefined;
  const expectedRows = Math.min(lineCount(utf8), limits.maxRows + 1);
  try {
    parse(utf8, {
      delimiter: dialect.separator,
      bom: true,
      skip_empty_lines: true,
      trim: true,
      to: limits.maxRows + 2,
      max_record_size: MAX_RECORD_CHARACTERS,
      on_record: (record: string[]) => {
        if (table) table.add(record);
        else table = new TableBuilder(record.map(columnName), expectedRows);
        return null;
      },
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      const line = (error as { lines?: number }).lines;
      throw trainingInputError('ragged-rows', `Line ${line ?? '?'} does not have as many fields as the header.`);
    }
    throw csvParseRefusal(error) ?? error;
  }
  const read = table?.finish();
  if (!read || read.header.length < 2) {
    throw trainingInputError('not-csv', 'The file needs a header row with at least two columns (features and a target).');
  }
  if (read.rows > limits.maxRows) {
    throw trainingInputError('too-many-rows', `The file has more than ${limits.maxRows} rows, the limit.`);
  }
  const { header } = read;
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) throw trainingInputError('invalid-csv', `The header names column '${duplicate}' twice.`);
  return read;
}
