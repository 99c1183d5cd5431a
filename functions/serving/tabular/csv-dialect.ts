/**
 * The dialect of a CSV as people export it: `,` or `;` between fields (`;` where the decimal mark is a comma, as
 * French Excel writes it), CRLF or LF, an optional UTF-8 BOM. Sniffed from the head of the file, and used to write
 * the answer back in the same dialect, so the file opens the same way it was made.
 */
export interface CsvDialect {
  separator: ',' | ';';
  decimalMark: '.' | ',';
  lineEnding: '\r\n' | '\n';
  bom: boolean;
}

/**
 * How a CSV's bytes are text: UTF-8 (with or without BOM) when they read as UTF-8, else Windows-1252, what French
 * Excel's « CSV (séparateur : point-virgule) » writes (`Température` in one byte per letter).
 */
export type CsvEncoding = 'utf-8' | 'windows-1252';

/**
 * A CSV's bytes (or its head, when not `complete`: then a character cut at its end is no sign of another encoding)
 * as text, in the encoding they were written in; BOM kept.
 */
export function decodeCsv(bytes: Uint8Array, complete: boolean): { text: string; encoding: CsvEncoding } {
  let encoding: CsvEncoding = 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
  } catch {
    encoding = 'windows-1252';
  }
  return { text: new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes), encoding };
}

/** The columns appended to every row of an answer, in order. */
export const APPENDED_COLUMNS = ['prediction', 'score', 'error'] as const;

/** Counts a character outside double-quoted fields in one line of text. */
function countOutsideQuotes(line: string, char: string): number {
  let inQuotes = false;
  let count = 0;
  for (const c of line) {
    if (c === '"') inQuotes = !inQuotes;
    else if (c === char && !inQuotes) count += 1;
  }
  return count;
}

/** Reads the dialect from the start of the file (its header and first rows). */
export function sniffDialect(head: string): CsvDialect {
  const bom = head.charCodeAt(0) === 0xfeff;
  const text = bom ? head.slice(1) : head;
  const firstBreak = text.indexOf('\n');
  const lineEnding = firstBreak > 0 && text[firstBreak - 1] === '\r' ? '\r\n' : '\n';
  const header = firstBreak >= 0 ? text.slice(0, firstBreak) : text;
  const separator = countOutsideQuotes(header, ';') > countOutsideQuotes(header, ',') ? ';' : ',';
  // With `;` between fields, a comma between digits can only be a decimal mark.
  const decimalMark = separator === ';' && /(^|;)"?[+-]?\d*,\d+"?(;|\r?$)/m.test(text) ? ',' : '.';
  return { separator, decimalMark, lineEnding, bom };
}

/** What a spreadsheet runs as a formula at the start of a cell (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A number as a cell holds it, in either decimal mark: `-1.5` or `-1,5` stays a number, not a neutralised text. */
const PLAIN_NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;

/**
 * A text cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, `-2+3`), a label learnt
 * from someone else's table included; a number (`-1.5`) is not one.
 */
export const isFormulaLike = (value: string) => FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);

/**
 * One field as the dialect writes it, the one writer of every CSV cell Vigie writes: a formula-like text gets a
 * leading `'` (OWASP: the spreadsheet shows it as text), then the field is quoted (quotes doubled) only when it holds
 * a separator, quote or line break.
 */
export function formatField(cell: string, dialect: CsvDialect): string {
  if (cell === '') return cell;
  const value = isFormulaLike(cell) ? `'${cell}` : cell;
  const needsQuotes = value.includes(dialect.separator) || /["\r\n]/.test(value);
  return needsQuotes ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * An input row (or the header) as the answer echoes it: its own text, byte for byte, so the answer joins to the
 * input line by line; except when a cell would run as a formula, then the row is written again from its cells, each
 * through formatField (a neutralised cell, the others as the dialect quotes them).
 */
export function echoedLine(raw: string, cells: readonly string[], dialect: CsvDialect): string {
  if (!cells.some(isFormulaLike)) return rawWithoutLineBreaks(raw);
  return cells.map((cell) => formatField(cell, dialect)).join(dialect.separator);
}

export function formatNumber(value: number, dialect: CsvDialect): string {
  const text = String(value);
  return dialect.decimalMark === ',' ? text.replace('.', ',') : text;
}

/** The appended column names; a name the input already has gets a `vigie_` prefix (repeated until it is free). */
export function appendedNames(header: readonly string[]): string[] {
  const taken = new Set(header);
  return APPENDED_COLUMNS.map((name) => {
    let candidate: string = name;
    while (taken.has(candidate)) candidate = `vigie_${candidate}`;
    taken.add(candidate);
    return candidate;
  });
}

/** A record's original text without its line ending (csv-parse's `raw` keeps some of it, and skipped blank lines). */
function rawWithoutLineBreaks(raw: string): string {
  // Index scans, not regular expressions: this runs once per row of files of millions of rows.
  let start = 0;
  let end = raw.length;
  while (start < end && (raw.charCodeAt(start) === 10 || raw.charCodeAt(start) === 13)) start += 1;
  while (end > start && (raw.charCodeAt(end - 1) === 10 || raw.charCodeAt(end - 1) === 13)) end -= 1;
  return start === 0 && end === raw.length ? raw : raw.slice(start, end);
}
