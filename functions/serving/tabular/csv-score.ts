import { Readable } from 'node:stream';
import { parse, type Info } from 'csv-parse';
import { InvalidInputError, PayloadTooLargeError } from '../../platform/errors';
import type { RowResult } from '../../records/results';
import type { FloatTensor } from '../preprocessing/tensor';
import {
  appendedNames,
  decodeCsv,
  echoedLine,
  formatField,
  formatNumber,
  sniffDialect,
  type CsvDialect,
  type CsvEncoding,
} from './csv-dialect';
import { csvParseRefusal, MAX_RECORD_CHARACTERS } from './csv-parse-errors';
import type { RangeWarning, RowErrorReason, TimeSeriesWarning } from '../../records/warnings';
import { readRow, type FieldProblem } from './features';
import { createTensorizer } from './model-tensor';
import { RECORDED_WARNINGS } from '../../records/rows-summary';
import { columnName, type TabularInputSpec } from './spec';
import { TabularInputError } from './tabular-errors';

/** What became of one data row: its result, or why it was not scored; and its out-of-range warnings. */
export interface RowOutcome {
  result?: RowResult;
  error?: string;
  /** Why the row was not scored, as a code (with `error`). */
  reason?: RowErrorReason;
  warnings: RangeWarning[];
  /** The row's values in the spec's feature order, when they could be read: the record counts them in its bins. */
  values?: Float32Array;
}

/** Receives the answer as it is made, chunk by chunk, in file order. */
export interface CsvSink {
  header(line: string): Promise<void> | void;
  rows(outcomes: RowOutcome[], lines: string[]): Promise<void> | void;
}

export interface CsvScoreOptions {
  /** Rows per session.run: large enough to amortise the call, small enough to keep memory flat. */
  chunkRows: number;
  /** Refuses the file beyond this many data rows (the HTTP path; batches have none). */
  maxRows?: number;
  onProgress?: (processedRows: number) => Promise<void> | void;
}

export interface CsvSummary {
  rows: number;
  succeededRows: number;
  rejectedRows: number;
  warnings: number;
  /** Rows not scored, by reason code. */
  rejectedByReason: Partial<Record<RowErrorReason, number>>;
  /** The dialect the answer is written in (the input's; with a BOM when the input was Windows-1252). */
  dialect: CsvDialect;
  /** How the input's bytes were read. */
  encoding: CsvEncoding;
  inferenceMs: number;
  /**
   * Time series: what the time column said (out of order, gaps, unreadable, calibration on too few rows), the
   * first RECORDED_WARNINGS with the file row (0-based, header excluded) they are about; `timeWarningCount` has all.
   */
  timeWarnings: TimeSeriesWarning[];
  timeWarningCount: number;
}

/** The CSV's bytes as they arrive: an S3 body stream, or a request body in one piece. */
export type CsvSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export type ScoreChunk = (tensor: FloatTensor) => Promise<{ results: RowResult[]; inferenceMs: number }>;

const HEAD_BYTES = 64 * 1024;

/** The first bytes (for the dialect) and the whole stream again, those bytes first. */
async function splitHead(source: CsvSource) {
  const iterator = (async function* () {
    yield* source;
  })();
  const head: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : Buffer.from(next.value);
    head.push(chunk);
    length += chunk.length;
  }
  const headBytes = Buffer.concat(head);
  // A character cut at the end of the head does not change the dialect.
  const { text: headText, encoding } = decodeCsv(headBytes, done);
  // One streaming decoder for the whole file: a character cut between two chunks is joined, not replaced. The
  // BOM is kept (`ignoreBOM`): the dialect notes it, the parser skips it, the answer writes it back.
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  async function* all() {
    yield decoder.decode(headBytes, { stream: true });
    if (!done) {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield decoder.decode(typeof next.value === 'string' ? Buffer.from(next.value) : next.value, { stream: true });
      }
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }
  return { headText, encoding, all: all() };
}

/** The problems of one row as its `error` cell: every field, in one line. */
export const rowError = (problems: FieldProblem[]) => problems.map((p) => `${p.field}: ${p.message}`).join('; ');

function scoreColumns(result: RowResult | undefined, dialect: CsvDialect): [string, string] {
  if (!result) return ['', ''];
  if ('label' in result) return [result.label, formatNumber(result.confidence, dialect)];
  if ('anomaly' in result) return [String(result.anomaly), formatNumber(result.score, dialect)];
  return [formatNumber(result.value, dialect), ''];
}

/** The output line of one row: its echoed text (echoedLine), then prediction, score and error in the input's dialect. */
export function outputLine(echoed: string, outcome: RowOutcome, dialect: CsvDialect): string {
  const [prediction, score] = scoreColumns(outcome.result, dialect);
  const appended = [prediction, score, outcome.error ?? ''].map((field) => formatField(field, dialect));
  return `${echoed}${dialect.separator}${appended.join(dialect.separator)}${dialect.lineEnding}`;
}

interface PendingChunk {
  /** File index of the chunk's first row. */
  firstRow: number;
  /** Each row's text as the answer echoes it (echoedLine). */
  echoed: string[];
  outcomes: RowOutcome[];
  /** Row positions (within the chunk) whose values are in `matrix`, in order. */
  valid: number[];
  matrix: Float32Array;
  /** The time cell of each valid row, where the spec names a time column. */
  times: Array<string | undefined>;
}

/**
 * A column the model reads (a feature, the time column) named twice in the header: which one is meant cannot be
 * told, so the file is refused as a whole rather than reading the first (#20.18). Other columns are carried
 * through untouched, repeated or not (Excel leaves several unnamed ones).
 */
function refuseRepeatedColumns(spec: TabularInputSpec, header: string[]): void {
  const read = new Set(spec.features.map((feature) => feature.name));
  if (spec.window?.timeColumn) read.add(columnName(spec.window.timeColumn));
  const counts = new Map<string, number>();
  for (const name of header) if (read.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  const repeated = [...counts].filter(([, count]) => count > 1);
  if (repeated.length === 0) return;
  throw new TabularInputError(
    'duplicate-columns',
    `The CSV header names the column(s) ${repeated.map(([name]) => name).join(', ')} more than once.`,
    repeated.map(([name, count]) => ({ field: name, message: `the header names this column ${count} times` })),
  );
}

/**
 * Streams a CSV through a tabular model: parses it as it arrives (csv-parse: quoting, BOM, CRLF, `;`), checks the
 * header against the spec (a missing required column, or one the model reads named twice, rejects the whole file), reads each row's features (a bad
 * row gets an `error`, the others are scored), scores `chunkRows` rows per session.run, and hands the answer to the
 * sink chunk by chunk. Memory holds one chunk, whatever the file's length.
 */
export async function scoreCsv(
  source: CsvSource,
  spec: TabularInputSpec,
  score: ScoreChunk,
  sink: CsvSink,
  options: CsvScoreOptions,
): Promise<CsvSummary> {
  const { headText, encoding, all } = await splitHead(source);
  if (headText.replace(/^\uFEFF/, '').trim() === '') throw new InvalidInputError('empty-input', 'The CSV is empty.');
  // The answer is UTF-8: a Windows-1252 file's answer starts with a BOM, so Excel reads its accents right.
  const sniffed = sniffDialect(headText);
  const dialect = { ...sniffed, bom: sniffed.bom || encoding !== 'utf-8' };
  const parser = Readable.from(all).pipe(
    parse({
      delimiter: dialect.separator,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      raw: true,
      max_record_size: MAX_RECORD_CHARACTERS,
    }),
  );
  const width = spec.features.length;
  const tensorizer = createTensorizer(spec);
  const summary: CsvSummary = {
    rows: 0,
    succeededRows: 0,
    rejectedRows: 0,
    warnings: 0,
    rejectedByReason: {},
    dialect,
    encoding,
    inferenceMs: 0,
    timeWarnings: [],
    timeWarningCount: 0,
  };
  let columns: number[] = [];
  let timeColumn = -1;
  let headerLength = 0;
  /** Rows handed to the tensorizer so far: its warnings count rows that way, the file's bad rows left out. */
  let seriesRows = 0;
  const fresh = (): PendingChunk => ({
    firstRow: summary.rows,
    echoed: [],
    outcomes: [],
    valid: [],
    matrix: new Float32Array(options.chunkRows * width),
    times: [],
  });
  let chunk = fresh();

  const flush = async () => {
    if (chunk.echoed.length === 0) return;
    const rows = chunk.valid.length;
    if (rows > 0) {
      const { tensor, warnings } = tensorizer.next(chunk.matrix, rows, timeColumn >= 0 ? chunk.times : undefined);
      for (const warning of warnings) {
        summary.timeWarningCount += 1;
        if (summary.timeWarnings.length >= RECORDED_WARNINGS) continue;
        const position = chunk.valid[warning.row - seriesRows];
        summary.timeWarnings.push({ ...warning, row: position === undefined ? warning.row : chunk.firstRow + position });
      }
      seriesRows += rows;
      const answer = await score(tensor);
      summary.inferenceMs += answer.inferenceMs;
      chunk.valid.forEach((position, i) => (chunk.outcomes[position]!.result = answer.results[i]));
    }
    summary.succeededRows += rows;
    summary.rejectedRows += chunk.echoed.length - rows;
    for (const { reason } of chunk.outcomes) {
      if (reason) summary.rejectedByReason[reason] = (summary.rejectedByReason[reason] ?? 0) + 1;
    }
    const lines = chunk.echoed.map((echoed, i) => outputLine(echoed, chunk.outcomes[i]!, dialect));
    await sink.rows(chunk.outcomes, lines);
    chunk = fresh();
    await options.onProgress?.(summary.rows);
  };

  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string; info?: Info }>) {
      if (headerLength === 0) {
        const header = record.map(columnName);
        headerLength = header.length;
        refuseRepeatedColumns(spec, header);
        columns = spec.features.map((feature) => header.indexOf(feature.name));
        if (spec.window?.timeColumn) timeColumn = header.indexOf(columnName(spec.window.timeColumn));
        const missing = spec.features.filter((feature, i) => feature.required && columns[i]! < 0);
        if (missing.length > 0) {
          throw new TabularInputError(
            'missing-columns',
            `The CSV lacks the required column(s) ${missing.map((f) => f.name).join(', ')}.`,
            missing.map((feature) => ({ field: feature.name, message: 'required column is missing from the header' })),
          );
        }
        const names = appendedNames(header).map((name) => formatField(name, dialect));
        await sink.header(
          `${dialect.bom ? '\uFEFF' : ''}${echoedLine(raw, record, dialect)}${dialect.separator}${names.join(dialect.separator)}${dialect.lineEnding}`,
        );
        continue;
      }
      const index = summary.rows;
      summary.rows += 1;
      if (options.maxRows !== undefined && summary.rows > options.maxRows) {
        throw new PayloadTooLargeError(`The CSV has more than ${options.maxRows} rows; send larger files as S3 batches.`);
      }
      const position = chunk.echoed.length;
      chunk.echoed.push(echoedLine(raw, record, dialect));
      const offset = chunk.valid.length * width;
      if (record.length !== headerLength) {
        chunk.outcomes.push({
          error: `the row has ${record.length} fields, the header ${headerLength}`,
          reason: 'field-count',
          warnings: [],
        });
      } else {
        const read = readRow(spec, (_, i) => record[columns[i]!], 'csv', chunk.matrix, offset, index);
        summary.warnings += read.warnings.length;
        if (read.problems.length > 0) {
          chunk.outcomes.push({ error: rowError(read.problems), reason: read.reason, warnings: read.warnings });
        } else {
          chunk.outcomes.push({ warnings: read.warnings, values: chunk.matrix.subarray(offset, offset + width) });
          chunk.valid.push(position);
          if (timeColumn >= 0) chunk.times.push(record[timeColumn]);
        }
      }
      if (chunk.echoed.length >= options.chunkRows) await flush();
    }
  } catch (error) {
    throw csvParseRefusal(error) ?? error;
  }
  if (headerLength === 0) throw new InvalidInputError('empty-input', 'The CSV is empty.');
  await flush();
  return summary;
}
