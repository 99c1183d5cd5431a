import { quoteCell } from '../serving/tabular/cell-quote';
import { parseDecimal } from '../serving/tabular/features';
import { featureValueProblem } from '../serving/tabular/value-bounds';
import { columnName, FEATURE_NAME, type FeatureSpec } from '../serving/tabular/spec';
import type { Dataset, Task } from './dataset';
import { identifierColumns, type IdentifierKind } from './identifiers';
import { indicatorLevels, MAX_INDICATORS } from './linear';
import { trainingInputError } from './read-csv';
import type { TableColumn, TrainingTable } from './columns';

const MIN_ROWS = 20;
/** Classes with fewer rows cannot be spread over the held-out split and the CV folds. */
const MIN_CLASS_ROWS = 5;
/** More distinct texts than this in a column: free text or an identifier, not a category. */
const MAX_CATEGORIES = 50;
/** An integer target with at most this many values is read as classes. */
const MAX_INTEGER_CLASSES = 20;

export interface DataReport {
  rows: { read: number; used: number; dropped: { reason: string; count: number }[] };
  columns: {
    kept: { name: string; type: 'number' | 'category'; missing: number }[];
    dropped: { name: string; reason: string }[];
  };
  imputations: { column: string; missing: number; strategy: 'median' | 'most-frequent' }[];
  encodings: { column: string; encoding: string; values: string[] }[];
  target: { name: string; task: Task; reason: string; classes?: Record<string, number> };
  /** Columns that look like direct identifiers, trained on because the uploader accepted them (#20.4). */
  identifiersAccepted?: { column: string; looksLike: IdentifierKind }[];
}

export interface ProfileOptions {
  target: string;
  task?: Task;
  /** Identifier-like columns the uploader accepts to train on (`acceptIdentifiers`); any other one is refused. */
  acceptIdentifiers?: string[];
}

/** Refuses the columns that look like direct identifiers unless accepted; answers the accepted ones. */
function checkIdentifiers(table: TrainingTable, accepted: string[]): DataReport['identifiersAccepted'] {
  const found = identifierColumns(table);
  const refused = found.filter(({ column }) => !accepted.includes(column));
  if (refused.length > 0) {
    const listed = refused.map(({ column, looksLike }) => `'${column}' (${looksLike})`).join(', ');
    throw trainingInputError(
      'identifier-columns',
      `Columns ${listed} look like direct identifiers of people. Remove them from the file, or, if training on them ` +
        `is lawful and needed, name them in acceptIdentifiers (comma-separated): the approver sees them on the card.`,
    );
  }
  return found.length > 0 ? found : undefined;
}

/**
 * A column over the rows used: `numbers` (NaN where empty) when every non-empty cell there is a finite number;
 * `codes` (-1 where empty) into `texts` when the texts are known (always for a column that is not numbers).
 */
interface UsedCells {
  numbers?: Float64Array;
  codes?: Int32Array;
  texts?: string[];
  present: number;
}

const finite = (text: string) => {
  const value = parseDecimal(text);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
};

/**
 * `array` filled by `at(i)`. TypedArray.from and filter gather the values in an ordinary array first: a million
 * numbers there cost several times the typed array (#26).
 */
function filled<T extends Float64Array | Int32Array>(array: T, at: (i: number) => number): T {
  for (let i = 0; i < array.length; i += 1) array[i] = at(i);
  return array;
}

/** The rows of `rows` that pass `keep`, in order. */
function kept(rows: Int32Array, keep: (row: number, i: number) => boolean): Int32Array {
  let count = 0;
  for (let i = 0; i < rows.length; i += 1) if (keep(rows[i]!, i)) count += 1;
  const out = new Int32Array(count);
  count = 0;
  for (let i = 0; i < rows.length; i += 1) if (keep(rows[i]!, i)) out[count++] = rows[i]!;
  return out;
}

function usedCells(column: TableColumn, used: Int32Array): UsedCells {
  if (column.kind === 'number') {
    const numbers = filled(new Float64Array(used.length), (i) => column.values[used[i]!]!);
    const present = numbers.reduce((n, value) => (Number.isNaN(value) ? n : n + 1), 0);
    if (!column.codes) return { numbers, present };
    const codes = filled(new Int32Array(used.length), (i) => (Number.isNaN(numbers[i]!) ? -1 : column.codes![used[i]!]!));
    return { numbers, codes, texts: column.texts, present };
  }
  const codes = filled(new Int32Array(used.length), (i) => column.codes[used[i]!]!);
  const present = codes.reduce((n, code) => (code < 0 ? n : n + 1), 0);
  // A text column may hold numbers only in the rows used (its texts were in rows dropped for their target).
  const values = column.texts.map(finite);
  const numeric = codes.every((code) => code < 0 || values[code] !== undefined);
  const numbers = numeric
    ? filled(new Float64Array(codes.length), (i) => (codes[i]! < 0 ? Number.NaN : values[codes[i]!]!))
    : undefined;
  return { codes, texts: column.texts, present, ...(numbers && { numbers }) };
}

/** The cells' texts: the file's, or, for a number column with too many of them to keep, the numbers'. */
function textCodes(cells: UsedCells): { codes: Int32Array; texts: string[] } {
  if (cells.codes) return { codes: cells.codes, texts: cells.texts! };
  const texts: string[] = [];
  const index = new Map<number, number>();
  const numbers = cells.numbers!;
  const codes = filled(new Int32Array(numbers.length), (i) => {
    const value = numbers[i]!;
    if (Number.isNaN(value)) return -1;
    if (!index.has(value)) index.set(value, texts.push(String(value)) - 1);
    return index.get(value)!;
  });
  return { codes, texts };
}

/** Distinct non-empty texts (or numbers, when the texts are not kept). */
function distinctCount(cells: UsedCells): number {
  if (cells.codes) {
    const seen = new Uint8Array(cells.texts!.length);
    let distinct = 0;
    for (const code of cells.codes) {
      if (code >= 0 && !seen[code]) {
        seen[code] = 1;
        distinct += 1;
      }
    }
    return distinct;
  }
  return distinctValues(cells.numbers!);
}

/** Distinct non-NaN values, sorted in a copy (a Set of a million numbers would cost several times more). */
function distinctValues(numbers: Float64Array): number {
  const sorted = numbers.slice().sort(); // NaN sorts last
  const present = sorted.findIndex(Number.isNaN);
  return sorted
    .subarray(0, present < 0 ? sorted.length : present)
    .reduce((n, value, i) => (i === 0 || value !== sorted[i - 1] ? n + 1 : n), 0);
}

/** Why a feature column cannot be learnt from, or undefined when it can. */
function dropReason(name: string, cells: UsedCells): string | undefined {
  if (cells.present === 0) return 'all-empty: no value in any row';
  const distinct = distinctCount(cells);
  if (distinct === 1) return 'constant: one value in every row';
  if (!FEATURE_NAME.test(name)) return 'name-not-servable: feature names are letters, digits, _ . - ( ) % ° or inner spaces';
  const unique = distinct === cells.present && cells.present >= MIN_ROWS;
  if (cells.numbers) {
    let previous: number | undefined;
    let sequence = true;
    for (const value of cells.numbers) {
      if (Number.isNaN(value)) continue;
      if (!Number.isInteger(value) || (previous !== undefined && value !== previous + 1)) sequence = false;
      previous = value;
    }
    if (unique && (sequence || /(^|[_\s-])id$/i.test(name))) return 'identifier: a distinct integer per row';
    return undefined;
  }
  if (unique) return 'identifier: a distinct text per row';
  if (distinct > MAX_CATEGORIES) return `high-cardinality: ${distinct} distinct texts (more than ${MAX_CATEGORIES})`;
  return undefined;
}

function detectTask(target: UsedCells, requested: Task | undefined): { task: Task; reason: string } {
  const numbers = target.numbers;
  if (requested === 'regression' && !numbers) {
    throw trainingInputError('target-not-numeric', 'Regression needs a numeric target; some target values are text.');
  }
  if (requested) return { task: requested, reason: 'requested' };
  if (!numbers) return { task: 'classification', reason: 'the target holds text' };
  const distinct = distinctValues(numbers);
  if (numbers.every(Number.isInteger) && distinct <= MAX_INTEGER_CLASSES) {
    return { task: 'classification', reason: `the target holds ${distinct} integer values (at most ${MAX_INTEGER_CLASSES})` };
  }
  return { task: 'regression', reason: `the target is numeric with ${distinct} distinct values` };
}

/** A number column holding a value no model reads exactly (past ±2^53, or float32's range): the file is refused. */
function checkMagnitudes(name: string, values: Float64Array): void {
  for (const value of values) {
    const bad = Number.isNaN(value) ? undefined : featureValueProblem(value);
    if (bad) throw trainingInputError('value-out-of-range', `Column ${quoteCell(name)}: a value ${bad.problem}.`);
  }
}

const byText = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * Profiles and cleans a table for learning: drops rows without a target (and rows of classes too rare to
 * validate), drops columns that cannot help (all empty, constant, identifiers, free text), types the rest as
 * numbers or categories, and reports every decision. Missing feature values stay NaN: the model imputes them (in
 * memory and in its ONNX graph) with values learnt from the training rows.
 */
export function profileTable(
  table: TrainingTable,
  options: ProfileOptions,
): { data: Dataset; report: DataReport; /** The table's rows used, in order: row i of `data`. */ used: Int32Array } {
  const target = columnName(options.target);
  const targetIndex = table.header.indexOf(target);
  if (targetIndex < 0) {
    throw trainingInputError('unknown-target', `The file has no column '${target}'; it has ${table.header.join(', ')}.`);
  }
  const identifiersAccepted = checkIdentifiers(
    table,
    (options.acceptIdentifiers ?? []).map((name) => columnName(name)),
  );
  const dropped: DataReport['rows']['dropped'] = [];
  const targetColumn = table.columns[targetIndex]!;
  const all = filled(new Int32Array(table.rows), (row) => row);
  let used = kept(all, (row) =>
    targetColumn.kind === 'text' ? targetColumn.codes[row]! >= 0 : !Number.isNaN(targetColumn.values[row]!),
  );
  if (used.length < table.rows) dropped.push({ reason: 'target-empty', count: table.rows - used.length });
  if (used.length === 0) throw trainingInputError('target-empty', `The target column '${target}' is empty in every row.`);
  let targetCells = usedCells(targetColumn, used);
  const { task, reason } = detectTask(targetCells, options.task);
  if (task === 'regression') checkMagnitudes(target, targetCells.numbers!);
  let classes: Record<string, number> | undefined;
  if (task === 'classification') {
    const { codes, texts } = textCodes(targetCells);
    const counts = new Map<string, number>();
    for (const code of codes) counts.set(texts[code]!, (counts.get(texts[code]!) ?? 0) + 1);
    const rare = new Set([...counts].filter(([, n]) => n < MIN_CLASS_ROWS).map(([label]) => label));
    if (counts.size < 2) throw trainingInputError('single-class', `The target '${target}' has one class only.`);
    if (rare.size > 0) {
      const before = used.length;
      used = kept(used, (_, i) => !rare.has(texts[codes[i]!]!));
      dropped.push({
        reason: `class-too-rare (fewer than ${MIN_CLASS_ROWS} rows): ${[...rare].sort(byText).join(', ')}`,
        count: before - used.length,
      });
      targetCells = usedCells(targetColumn, used);
    }
    classes = Object.fromEntries([...counts].filter(([label]) => !rare.has(label)).sort(([a], [b]) => byText(a, b)));
    if (Object.keys(classes).length < 2) {
      throw trainingInputError(
        'single-class',
        `The target '${target}' has fewer than two classes with ${MIN_CLASS_ROWS} rows or more.`,
      );
    }
  }
  if (used.length < MIN_ROWS) {
    throw trainingInputError('too-few-rows', `${used.length} usable rows; training needs at least ${MIN_ROWS}.`);
  }
  const report: DataReport = {
    rows: { read: table.rows, used: used.length, dropped },
    columns: { kept: [], dropped: [] },
    imputations: [],
    encodings: [],
    target: { name: target, task, reason, ...(classes && { classes }) },
    ...(identifiersAccepted && { identifiersAccepted }),
  };
  const features: FeatureSpec[] = [];
  // Kept columns and, for a category, the feature's value (its index in `values`) by text code.
  const columns: { index: number; categoryOf?: Int32Array; levels?: number[] }[] = [];
  table.header.forEach((name, index) => {
    if (index === targetIndex) return;
    const cells = usedCells(table.columns[index]!, used);
    const why = dropReason(name, cells);
    if (why) {
      report.columns.dropped.push({ name, reason: why });
      return;
    }
    const missing = used.length - cells.present;
    const numeric = cells.numbers !== undefined;
    if (missing > 0) report.imputations.push({ column: name, missing, strategy: numeric ? 'median' : 'most-frequent' });
    report.columns.kept.push({ name, type: numeric ? 'number' : 'category', missing });
    if (cells.numbers) {
      checkMagnitudes(name, cells.numbers);
      const range = { min: Infinity, max: -Infinity };
      for (const value of cells.numbers) {
        if (Number.isNaN(value)) continue;
        range.min = Math.min(range.min, value);
        range.max = Math.max(range.max, value);
      }
      features.push({ name, type: 'number', required: missing === 0, range });
      columns.push({ index });
      return;
    }
    const codes = cells.codes!;
    const texts = cells.texts!;
    const counted = new Int32Array(texts.length);
    for (const code of codes) if (code >= 0) counted[code]! += 1;
    const values = texts.filter((_, code) => counted[code]! > 0).sort(byText);
    const categoryOf = Int32Array.from(texts, (text, code) => (counted[code]! > 0 ? values.indexOf(text) : -1));
    const counts = values.map(() => 0);
    counted.forEach((n, code) => {
      if (n > 0) counts[categoryOf[code]!] = n;
    });
    const levels = indicatorLevels(counts);
    const other = values.filter((_, k) => !levels.includes(k));
    const encoding =
      other.length === 0
        ? 'index (trees); one indicator per value (linear models)'
        : `index (trees); linear models: one indicator for each of the ${MAX_INDICATORS} most frequent values, one ` +
          `'other' level for the ${other.length} others (${other.join(', ')})`;
    report.encodings.push({ column: name, encoding, values });
    features.push({ name, type: 'category', required: missing === 0, values });
    columns.push({ index, categoryOf, ...(other.length > 0 && { levels }) });
  });
  if (features.length === 0) throw trainingInputError('no-features', 'No column is usable as a feature (see dataReport).');
  const width = features.length;
  const x = new Float32Array(used.length * width);
  // Column by column: one column's cells over the rows used at a time, beside x.
  columns.forEach((column, j) => {
    const cells = usedCells(table.columns[column.index]!, used);
    for (let r = 0; r < used.length; r += 1) {
      x[r * width + j] = column.categoryOf
        ? cells.codes![r]! < 0
          ? Number.NaN
          : column.categoryOf[cells.codes![r]!]!
        : cells.numbers![r]!;
    }
  });
  const labels = classes ? Object.keys(classes) : [];
  let y: Float64Array;
  if (task === 'classification') {
    const { codes, texts } = textCodes(targetCells);
    const classOf = texts.map((text) => labels.indexOf(text));
    y = filled(new Float64Array(codes.length), (i) => classOf[codes[i]!]!);
  } else y = targetCells.numbers!;
  const capped = columns.some((column) => column.levels);
  const indicators = capped ? { indicators: columns.map((column) => column.levels) } : {};
  return { data: { task, features, labels, x, y, rows: used.length, ...indicators }, report, used };
}
