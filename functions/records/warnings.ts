/**
 * What a record says about the values it was given, beside the answer: values outside the training range, rows
 * not scored, and what a time column said. Defined here, with the records that store them, so records/ imports
 * nothing from serving/ (the tabular reader that finds them).
 */

/** A value served although it lies outside what the model was trained on: a drift signal, not an error. */
export interface RangeWarning {
  field: string;
  value: number;
  range: { min: number; max: number };
  row?: number;
}

/** Why a row was not scored, as a stable code: rejected rows are counted by it (audit `rejected-rows` events). */
export const ROW_ERROR_REASONS = [
  'missing',
  'null',
  'not-a-number',
  'non-finite',
  'too-large',
  'not-an-integer',
  'unknown-category',
  'field-count',
] as const;
export type RowErrorReason = (typeof ROW_ERROR_REASONS)[number];

/** What a time column can say about a row; the OpenAPI document lists the same. */
export const TIME_WARNING_CODES = ['time-unreadable', 'time-not-increasing', 'time-gap', 'calibration-short'] as const;

export interface TimeSeriesWarning {
  /** 0-based index of the row among the rows the series was given (the file's scored rows, in order). */
  row: number;
  field: string;
  code: (typeof TIME_WARNING_CODES)[number];
  message: string;
}
