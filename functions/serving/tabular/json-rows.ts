import type { FloatTensor } from '../preprocessing/tensor';
import type { RangeWarning } from '../../records/warnings';
import { readRow, unknownFieldMessage, type FieldProblem } from './features';
import { columnName, type TabularInputSpec } from './spec';
import { MAX_LISTED_PROBLEMS } from './tabular-errors';

export interface ReadJsonRows {
  /** [N, F] in tensor order; meaningful only when `problems` is empty. */
  matrix: FloatTensor;
  /** The first MAX_LISTED_PROBLEMS problems; `problemCount` counts them all. */
  problems: FieldProblem[];
  problemCount: number;
  /** Whether a field was not one the model takes: the answer then names the features, once. */
  unknownFields: boolean;
  /** Per row, in order (empty arrays for rows without any). */
  warnings: RangeWarning[][];
  /**
   * Each row's value of the spec's time column (as text; '' where a row lacks it), when any row carries it: the
   * time series checks it as it checks a CSV's time cells. Undefined when no row does.
   */
  times?: string[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A field name as a problem quotes it: bounded, so a megabyte-long key is not sent back whole. */
const quotedField = (field: string) => (field.length > 100 ? `${field.slice(0, 100)}…` : field);

/**
 * The row's fields by the name they are compared under (trimmed, NFC), and the names more than one field came to
 * (`"sepal_length"` and `" sepal_length "`): refused rather than letting the last one win (#20.18).
 */
function fieldsOf(row: Record<string, unknown>) {
  const fields = new Map<string, unknown>();
  const repeated = new Map<string, number>();
  for (const [raw, value] of Object.entries(row)) {
    const name = columnName(raw);
    if (fields.has(name)) repeated.set(name, (repeated.get(name) ?? 1) + 1);
    else fields.set(name, value);
  }
  return { fields, repeated };
}

/**
 * Validates JSON rows against the model's spec, all of them, so one answer names every problem (the first
 * MAX_LISTED_PROBLEMS, and how many): missing, null, wrongly typed, non-finite or too large values, fields given
 * twice, and unknown fields (a typo is never silently ignored). `indexed` says the rows came as `rows` (problems
 * carry the row index) rather than as one `features` object.
 */
export function readJsonRows(spec: TabularInputSpec, rows: unknown[], indexed: boolean): ReadJsonRows {
  const width = spec.features.length;
  const data = new Float32Array(rows.length * width);
  const problems: FieldProblem[] = [];
  let problemCount = 0;
  let unknownFields = false;
  // Counted all, kept the first: a message (the unknown field's hint) is made only for a problem that is listed.
  const report = (count: number, problem: () => FieldProblem[]) => {
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push(...problem().slice(0, MAX_LISTED_PROBLEMS - problems.length));
    problemCount += count;
  };
  const warnings: RangeWarning[][] = [];
  const timeField = spec.window?.timeColumn ? columnName(spec.window.timeColumn) : undefined;
  // The time column is no feature, but a row may carry it (as a CSV line does), for the time checks.
  const known = new Set([...spec.features.map((feature) => feature.name), ...(timeField ? [timeField] : [])]);
  const times: string[] = [];
  let timed = false;
  if (indexed && rows.length === 0) report(1, () => [{ field: 'rows', message: 'must hold at least one row' }]);
  rows.forEach((row, i) => {
    const at = indexed ? i : undefined;
    if (!isPlainObject(row)) {
      report(1, () => [
        { field: indexed ? 'rows' : 'features', ...(indexed && { row: i }), message: 'must be an object of feature values' },
      ]);
      warnings.push([]);
      times.push('');
      return;
    }
    // Field names compare as the spec's do (NFC), so an accent typed either way finds its feature.
    const { fields, repeated } = fieldsOf(row);
    const read = readRow(spec, (name) => fields.get(name), 'json', data, i * width, at);
    const where = at === undefined ? {} : { row: at };
    for (const [field, count] of repeated) {
      report(1, () => [{ field: quotedField(field), ...where, message: `given ${count} times (names are compared trimmed)` }]);
    }
    for (const field of fields.keys()) {
      if (known.has(field)) continue;
      unknownFields = true;
      report(1, () => [{ field: quotedField(field), ...where, message: unknownFieldMessage(field, spec) }]);
    }
    report(read.problems.length, () => read.problems);
    warnings.push(read.warnings);
    const time = timeField === undefined ? undefined : fields.get(timeField);
    timed ||= time !== undefined && time !== null;
    times.push(time === undefined || time === null ? '' : String(time));
  });
  return {
    matrix: { dims: [rows.length, width], data },
    problems,
    problemCount,
    unknownFields,
    warnings,
    times: timed ? times : undefined,
  };
}
