import { parseDecimal } from '../serving/tabular/features';

/**
 * A column of the training file in typed arrays, as it streamed in (#26): numbers in a Float64Array (NaN where the
 * cell is empty) while every cell is one, else the distinct texts and each row's index among them. A number column
 * also keeps its texts while it has few of them (at most NUMBER_TEXTS), so that a column or target read as texts
 * later (a category, a class label, a number column with one text cell further down) has the texts the file wrote:
 * `01` stays `01`, `2,5` stays `2,5`.
 */
export type TableColumn =
  | { kind: 'number'; values: Float64Array; codes?: Uint8Array; texts?: string[] }
  | { kind: 'text'; codes: Int32Array; texts: string[] };

/** The training file, read: its header, its number of rows, each column, and each column's first cells. */
export interface TrainingTable {
  header: string[];
  rows: number;
  columns: TableColumn[];
  /** By column, its first SAMPLE_CELLS non-empty cells, in order (identifiers.ts looks at their shapes). */
  samples: string[][];
}

/** Non-empty cells kept per column for the identifier check: enough to tell, cheap on a million rows. */
export const SAMPLE_CELLS = 1_000;
/** Texts a number column keeps at most (a Uint8Array of codes; NO_TEXT marks an empty cell). */
const NUMBER_TEXTS = 255;
const NO_TEXT = 255;

const finiteNumber = (cell: string) => {
  const value = parseDecimal(cell);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
};

function grown<T extends Float64Array | Int32Array | Uint8Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(size);
  bigger.set(array);
  return bigger;
}

/** One column filled cell by cell: a number column until its first cell that is not a number, converted once. */
class ColumnBuilder {
  private rows = 0;
  private values: Float64Array | undefined;
  private numberCodes: Uint8Array | undefined;
  private codes: Int32Array | undefined;
  private dictionary: Map<string, number> | undefined = new Map();
  private texts: string[] = [];
  readonly sample: string[] = [];

  constructor(private capacity: number) {
    this.values = new Float64Array(capacity);
    this.numberCodes = new Uint8Array(capacity);
  }

  private code(cell: string): number {
    let code = this.dictionary!.get(cell);
    if (code === undefined) {
      code = this.texts.length;
      this.dictionary!.set(cell, code);
      this.texts.push(cell);
    }
    return code;
  }

  /** The number column becomes a text one: earlier rows keep their texts, or, past NUMBER_TEXTS, their numbers'. */
  private toText(rows: number): void {
    const codes = new Int32Array(this.capacity);
    if (!this.dictionary) this.dictionary = new Map();
    for (let row = 0; row < rows; row += 1) {
      const value = this.values![row]!;
      if (Number.isNaN(value)) codes[row] = -1;
      else codes[row] = this.numberCodes ? this.numberCodes[row]! : this.code(String(value));
    }
    this.codes = codes;
    this.values = undefined;
    this.numberCodes = undefined;
  }

  add(cell: string): void {
    if (this.rows === this.capacity) {
      this.capacity = Math.ceil(this.capacity * 1.5) + 16;
      if (this.values) this.values = grown(this.values, this.capacity);
      if (this.numberCodes) this.numberCodes = grown(this.numberCodes, this.capacity);
      if (this.codes) this.codes = grown(this.codes, this.capacity);
    }
    const row = this.rows;
    this.rows += 1;
    if (cell !== '' && this.sample.length < SAMPLE_CELLS) this.sample.push(cell);
    if (this.values) {
      const value = cell === '' ? Number.NaN : finiteNumber(cell);
      if (value !== undefined) {
        this.values[row] = value;
        if (!this.numberCodes) return;
        const code = cell === '' ? NO_TEXT : this.code(cell);
        if (cell === '' || code < NUMBER_TEXTS) this.numberCodes[row] = code;
        else {
          this.numberCodes = undefined;
          this.dictionary = undefined;
          this.texts = [];
        }
        return;
      }
      this.toText(row);
    }
    this.codes![row] = cell === '' ? -1 : this.code(cell);
  }

  finish(): TableColumn {
    const rows = this.rows;
    if (this.values) {
      const texts = this.numberCodes && { codes: this.numberCodes.subarray(0, rows), texts: this.texts };
      return { kind: 'number', values: this.values.subarray(0, rows), ...texts };
    }
    return { kind: 'text', codes: this.codes!.subarray(0, rows), texts: this.texts };
  }
}

/** Columns filled record by record (a record: one row's cells, as many as the header's). */
export class TableBuilder {
  private readonly builders: ColumnBuilder[];
  private rows = 0;

  /** `expectedRows`: an estimate of the rows to come (memory is reserved for them; more still fit). */
  constructor(
    private readonly header: string[],
    expectedRows: number,
  ) {
    this.builders = header.map(() => new ColumnBuilder(Math.max(16, expectedRows)));
  }

  add(record: string[]): void {
    this.rows += 1;
    record.forEach((cell, j) => this.builders[j]!.add(cell));
  }

  finish(): TrainingTable {
    return {
      header: this.header,
      rows: this.rows,
      columns: this.builders.map((builder) => builder.finish()),
      samples: this.builders.map((builder) => builder.sample),
    };
  }
}

/** A table from rows of text cells (trimmed, '' for empty), as the reader builds it from the file. */
export function tableFromRows(header: string[], rows: string[][]): TrainingTable {
  const builder = new TableBuilder(header, rows.length);
  for (const row of rows) builder.add(row);
  return builder.finish();
}

/** A cell as text: as the file wrote it, or a number's shortest text once its column has too many texts to keep. */
export function cellText(column: TableColumn, row: number): string {
  if (column.kind === 'text') return column.codes[row]! < 0 ? '' : column.texts[column.codes[row]!]!;
  if (column.codes) return column.codes[row] === NO_TEXT ? '' : column.texts![column.codes[row]!]!;
  return Number.isNaN(column.values[row]!) ? '' : String(column.values[row]);
}
