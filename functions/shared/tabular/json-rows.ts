import type { FloatTensor } from '../preprocessing/tensor';
import { readRow, unknownFieldMessage, type FieldProblem, type RangeWarning } from './features';
import { columnName, type TabularInputSpec } from './spec';

export interface ReadJsonRows {
  /** [N, F] in tensor order; meaningful only when `problems` is empty. */
  matrix: FloatTensor;
  problems: FieldProblem[];
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

/**
 * Validates JSON rows against the model's spec, all of them, so one answer names every problem: missing, null,
 * wrongly typed or non-finite values, and unknown fields (a typo is never silently ignored). `indexed` says the
 * rows came as `rows` (problems carry the row index) rather than as one `features` object.
 */
export function readJsonRows(spec: TabularInputSpec, rows: unknown[], indexed: boolean): ReadJsonRows {
  const width = spec.features.length;
  const data = new Float32Array(rows.length * width);
  const problems: FieldProblem[] = [];
  const warnings: RangeWarning[][] = [];
  const timeField = spec.window?.timeColumn ? columnName(spec.window.timeColumn) : undefined;
  // The time column is no feature, but a row may carry it (as a CSV line does), for the time checks.
  const known = new Set([...spec.features.map((feature) => feature.name), ...(timeField ? [timeField] : [])]);
  const times: string[] = [];
  let timed = false;
  if (indexed && rows.length === 0) problems.push({ field: 'rows', message: 'must hold at least one row' });
  rows.forEach((row, i) => {
    const at = indexed ? i : undefined;
    if (!isPlainObject(row)) {
      problems.push({
        field: indexed ? 'rows' : 'features',
        ...(indexed && { row: i }),
        message: 'must be an object of feature values',
      });
      warnings.push([]);
      times.push('');
      return;
    }
    // Field names compare as the spec's do (NFC), so an accent typed either way finds its feature.
    const fields = new Map(Object.entries(row).map(([field, value]) => [columnName(field), value]));
    const read = readRow(spec, (name) => fields.get(name), 'json', data, i * width, at);
    for (const field of fields.keys()) {
      if (!known.has(field))
        problems.push({ field, ...(at !== undefined && { row: at }), message: unknownFieldMessage(field, spec) });
    }
    problems.push(...read.problems);
    warnings.push(read.warnings);
    const time = timeField === undefined ? undefined : fields.get(timeField);
    timed ||= time !== undefined && time !== null;
    times.push(time === undefined || time === null ? '' : String(time));
  });
  return { matrix: { dims: [rows.length, width], data }, problems, warnings, times: timed ? times : undefined };
}
