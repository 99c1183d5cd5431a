import type { RangeWarning, RowErrorReason } from '../../records/warnings';
import { quoteCell } from './cell-quote';
import type { FeatureSpec, TabularInputSpec } from './spec';
import { featureValueProblem } from './value-bounds';

/** One reason a field cannot be used, named so a client can fix every one in one go. */
export interface FieldProblem {
  field: string;
  /** 0-based index of the row in `rows` (JSON) or among the CSV's data rows; absent for a single `features` row. */
  row?: number;
  message: string;
}

/** What a raw value is, before the feature's type is checked: JSON keeps its types, CSV gives text. */
export type ValueSource = 'json' | 'csv';

type Read = { value: number; warning?: RangeWarning } | { problem: string; reason: RowErrorReason };

// Plain decimals with one decimal mark (point or comma: French exports), optional exponent; no thousands separators.
const DECIMAL = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:inf|infinity|nan)$/i;

/** CSV text → number: `5.1` and `5,1` both read 5.1; anything else is not a number. */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (NON_FINITE.test(trimmed)) return Number.NaN;
  if (!DECIMAL.test(trimmed)) return undefined;
  return Number(trimmed.includes(',') ? trimmed.replace(',', '.') : trimmed);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the text ${quoteCell(value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function readNumber(feature: FeatureSpec & { type: 'number' | 'integer' }, raw: unknown, source: ValueSource): Read {
  const value = source === 'csv' && typeof raw === 'string' ? parseDecimal(raw) : raw;
  if (typeof value !== 'number' || value === undefined)
    return { problem: `expected a number, got ${describe(raw)}`, reason: 'not-a-number' };
  const bad = featureValueProblem(value);
  if (bad) return bad;
  if (feature.type === 'integer' && !Number.isInteger(value))
    return { problem: `expected an integer, got ${value}`, reason: 'not-an-integer' };
  const { range } = feature;
  if (range && (value < range.min || value > range.max)) {
    return { value, warning: { field: feature.name, value, range } };
  }
  return { value };
}

function readCategory(feature: FeatureSpec & { type: 'category' }, raw: unknown): Read {
  const index = typeof raw === 'string' ? feature.values.indexOf(raw.trim()) : -1;
  if (index < 0)
    return { problem: `expected one of ${feature.values.join(', ')}, got ${describe(raw)}`, reason: 'unknown-category' };
  return { value: index };
}

/** Levenshtein distance, to name the feature a typo (`sepal_lenght`) most likely meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The problem of a field the model does not take, with the feature it most likely meant. The feature list is not
 * repeated here: the problem document names it once (`features`), however many unknown fields there are (#20.5).
 */
export function unknownFieldMessage(field: string, spec: TabularInputSpec): string {
  const threshold = Math.max(2, Math.floor(field.length / 3));
  // Names whose lengths differ by more than the threshold cannot be within it: a megabyte-long field costs nothing.
  const closest = spec.features
    .filter((feature) => Math.abs(feature.name.length - field.length) <= threshold)
    .map((feature) => ({ name: feature.name, d: distance(field.toLowerCase(), feature.name.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  return closest && closest.d <= threshold ? `unknown field. Did you mean '${closest.name}'?` : 'unknown field';
}

/** What the reader made of one row: its values in tensor order, or every problem it has; and its warnings. */
export interface ReadRow {
  problems: FieldProblem[];
  /** The first problem's reason, when there is one. */
  reason?: RowErrorReason;
  warnings: RangeWarning[];
}

/**
 * Reads the features of one row into `into` at `offset` (tensor order). `get` returns the raw value of a feature
 * (by name, or by its position in the spec), `undefined` when it is absent. A missing optional feature is fed as NaN (models that take one are trained so).
 */
export function readRow(
  spec: TabularInputSpec,
  get: (name: string, index: number) => unknown,
  source: ValueSource,
  into: Float32Array,
  offset: number,
  row?: number,
): ReadRow {
  const problems: FieldProblem[] = [];
  const warnings: RangeWarning[] = [];
  let reason: RowErrorReason | undefined;
  const at = row === undefined ? {} : { row };
  spec.features.forEach((feature, i) => {
    const raw = get(feature.name, i);
    const absent = raw === undefined || (source === 'csv' && raw === '');
    if (absent || raw === null) {
      if (absent && !feature.required) {
        into[offset + i] = Number.NaN;
        return;
      }
      problems.push({ field: feature.name, ...at, message: absent ? 'is missing' : 'is null' });
      reason ??= absent ? 'missing' : 'null';
      return;
    }
    const read = feature.type === 'category' ? readCategory(feature, raw) : readNumber(feature, raw, source);
    if ('problem' in read) {
      problems.push({ field: feature.name, ...at, message: read.problem });
      reason ??= read.reason;
      return;
    }
    into[offset + i] = read.value;
    if (read.warning) warnings.push({ ...read.warning, ...at });
  });
  return { problems, reason, warnings };
}
