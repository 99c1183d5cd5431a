import { quoteCell } from '../serving/tabular/cell-quote';
import { parseDecimal } from '../serving/tabular/features';
import { featureValueProblem } from '../serving/tabular/value-bounds';
import { columnName, FEATURE_NAME, type FeatureSpec } from '../serving/tabular/spec';
import type { Dataset, Task } from './dataset';
import { identifierColumns, type IdentifierKind } from './identifiers';
import { indicatorLevels, MAX_INDICATORS } from './linear';
import { trainingInputError, type RawTable } from './read-csv';

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
function checkIdentifiers(table: RawTable, accepted: string[]): DataReport['identifiersAccepted'] {
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

const isNumber = (cell: string) => {
  const value = parseDecimal(cell);
  return value !== undefined && Number.isFinite(value);
};

/** Why a feature column cannot be learnt from, or undefined when it can. */
function dropReason(name: string, cells: string[], numeric: boolean): string | undefined {
  const present = cells.filter((cell) => cell !== '');
  if (present.length === 0) return 'all-empty: no value in any row';
  const distinct = new Set(present);
  if (distinct.size === 1) return 'constant: one value in every row';
  if (!FEATURE_NAME.test(name)) return 'name-not-servable: feature names are letters, digits, _ . - ( ) % ° or inner spaces';
  const unique = distinct.size === present.length && present.length >= MIN_ROWS;
  if (numeric) {
    const values = present.map((cell) => parseDecimal(cell)!);
    const sequence = values.every((v, i) => Number.isInteger(v) && (i === 0 || v === values[i - 1]! + 1));
    if (unique && (sequence || /(^|[_\s-])id$/i.test(name))) return 'identifier: a distinct integer per row';
    return undefined;
  }
  if (unique) return 'identifier: a distinct text per row';
  if (distinct.size > MAX_CATEGORIES) return `high-cardinality: ${distinct.size} distinct texts (more than ${MAX_CATEGORIES})`;
  return undefined;
}

function detectTask(cells: string[], requested: Task | undefined): { task: Task; reason: string } {
  const numeric = cells.every(isNumber);
  if (requested === 'regression' && !numeric) {
    throw trainingInputError('target-not-numeric', 'Regression needs a numeric target; some target values are text.');
  }
  if (requested) return { task: requested, reason: 'requested' };
  if (!numeric) return { task: 'classification', reason: 'the target holds text' };
  const values = cells.map((cell) => parseDecimal(cell)!);
  const distinct = new Set(values).size;
  if (values.every(Number.isInteger) && distinct <= MAX_INTEGER_CLASSES) {
    return { task: 'classification', reason: `the target holds ${distinct} integer values (at most ${MAX_INTEGER_CLASSES})` };
  }
  return { task: 'regression', reason: `the target is numeric with ${distinct} distinct values` };
}

/** A number column holding a value no model reads exactly (past ±2^53, or float32's range): the file is refused. */
function checkMagnitudes(name: string, values: number[]): void {
  for (const value of values) {
    const bad = featureValueProblem(value);
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
  table: RawTable,
  options: ProfileOptions,
): { data: Dataset; report: DataReport; /** The rows used, in order: row i of `data`. */ used: string[][] } {
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
  let rows = table.rows.filter((row) => row[targetIndex] !== '');
  if (rows.length < table.rows.length) dropped.push({ reason: 'target-empty', count: table.rows.length - rows.length });
  if (rows.length === 0) throw trainingInputError('target-empty', `The target column '${target}' is empty in every row.`);
  const { task, reason } = detectTask(
    rows.map((row) => row[targetIndex]!),
    options.task,
  );
  if (task === 'regression')
    checkMagnitudes(
      target,
      rows.map((row) => parseDecimal(row[targetIndex]!)!),
    );
  let classes: Record<string, number> | undefined;
  if (task === 'classification') {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row[targetIndex]!, (counts.get(row[targetIndex]!) ?? 0) + 1);
    const rare = new Set([...counts].filter(([, n]) => n < MIN_CLASS_ROWS).map(([label]) => label));
    if (counts.size < 2) throw trainingInputError('single-class', `The target '${target}' has one class only.`);
    if (rare.size > 0) {
      const before = rows.length;
      rows = rows.filter((row) => !rare.has(row[targetIndex]!));
      dropped.push({
        reason: `class-too-rare (fewer than ${MIN_CLASS_ROWS} rows): ${[...rare].sort(byText).join(', ')}`,
        count: before - rows.length,
      });
    }
    classes = Object.fromEntries([...counts].filter(([label]) => !rare.has(label)).sort(([a], [b]) => byText(a, b)));
    if (Object.keys(classes).length < 2) {
      throw trainingInputError(
        'single-class',
        `The target '${target}' has fewer than two classes with ${MIN_CLASS_ROWS} rows or more.`,
      );
    }
  }
  if (rows.length < MIN_ROWS) {
    throw trainingInputError('too-few-rows', `${rows.length} usable rows; training needs at least ${MIN_ROWS}.`);
  }
  const report: DataReport = {
    rows: { read: table.rows.length, used: rows.length, dropped },
    columns: { kept: [], dropped: [] },
    imputations: [],
    encodings: [],
    target: { name: target, task, reason, ...(classes && { classes }) },
    ...(identifiersAccepted && { identifiersAccepted }),
  };
  const features: FeatureSpec[] = [];
  const columns: { index: number; numeric: boolean; values?: string[]; levels?: number[] }[] = [];
  table.header.forEach((name, index) => {
    if (index === targetIndex) return;
    const cells = rows.map((row) => row[index]!);
    const numeric = cells.every((cell) => cell === '' || isNumber(cell));
    const why = dropReason(name, cells, numeric);
    if (why) {
      report.columns.dropped.push({ name, reason: why });
      return;
    }
    const missing = cells.filter((cell) => cell === '').length;
    if (missing > 0) report.imputations.push({ column: name, missing, strategy: numeric ? 'median' : 'most-frequent' });
    report.columns.kept.push({ name, type: numeric ? 'number' : 'category', missing });
    if (numeric) {
      const values = cells.filter((cell) => cell !== '').map((cell) => parseDecimal(cell)!);
      checkMagnitudes(name, values);
      const range = values.reduce((r, v) => ({ min: Math.min(r.min, v), max: Math.max(r.max, v) }), {
        min: Infinity,
        max: -Infinity,
      });
      features.push({ name, type: 'number', required: missing === 0, range });
      columns.push({ index, numeric });
      return;
    }
    const values = [...new Set(cells.filter((cell) => cell !== ''))].sort(byText);
    const counts = values.map(() => 0);
    for (const cell of cells) if (cell !== '') counts[values.indexOf(cell)]! += 1;
    const levels = indicatorLevels(counts);
    const other = values.filter((_, k) => !levels.includes(k));
    const encoding =
      other.length === 0
        ? 'index (trees); one indicator per value (linear models)'
        : `index (trees); linear models: one indicator for each of the ${MAX_INDICATORS} most frequent values, one ` +
          `'other' level for the ${other.length} others (${other.join(', ')})`;
    report.encodings.push({ column: name, encoding, values });
    features.push({ name, type: 'category', required: missing === 0, values });
    columns.push({ index, numeric, values, ...(other.length > 0 && { levels }) });
  });
  if (features.length === 0) throw trainingInputError('no-features', 'No column is usable as a feature (see dataReport).');
  const width = features.length;
  const x = new Float32Array(rows.length * width);
  const y = new Float64Array(rows.length);
  const labels = classes ? Object.keys(classes) : [];
  rows.forEach((row, r) => {
    columns.forEach((column, j) => {
      const cell = row[column.index]!;
      x[r * width + j] = cell === '' ? Number.NaN : column.numeric ? parseDecimal(cell)! : column.values!.indexOf(cell);
    });
    y[r] = task === 'classification' ? labels.indexOf(row[targetIndex]!) : parseDecimal(row[targetIndex]!)!;
  });
  const capped = columns.some((column) => column.levels);
  const indicators = capped ? { indicators: columns.map((column) => column.levels) } : {};
  return { data: { task, features, labels, x, y, rows: rows.length, ...indicators }, report, used: rows };
}
