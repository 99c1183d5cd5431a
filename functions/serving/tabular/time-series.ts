import type { FloatTensor } from '../preprocessing/tensor';
import type { TimeSeriesWarning } from '../../records/warnings';
import { quoteCell } from './cell-quote';

/**
 * The part of a tabular input spec (functions/serving/tabular/spec.ts) that turns rows into a time-series tensor:
 * only what this module reads, so a parsed TabularInputSpec fits it and tests can give just these fields.
 */
export interface TimeSeriesSpec {
  features: ReadonlyArray<{ name: string }>;
  window?: { rows: number; step: number; timeColumn?: string; samplingSeconds?: number };
  calibration?: { rows: number; method: 'standardise' };
}

/** One row, in file order: the feature values in the spec's order (already validated), and its time cell. */
export interface TimeSeriesRow {
  features: ArrayLike<number>;
  time?: string;
}

/** The model input for a run of consecutive rows: `tensor.dims` is [rows, window, F] (or [rows, F] unwindowed). */
export interface TimeSeriesBatch {
  /** File index of the first row the tensor scores. */
  firstRow: number;
  rows: number;
  tensor: FloatTensor;
  warnings: TimeSeriesWarning[];
}

/** The contract's floor, so a feature that stays constant over the calibration rows does not divide by zero. */
const STD_FLOOR = 1e-6;
/** A step longer than this many sampling periods is a gap worth a warning (SKAB has 1 s and 2 s steps at 1 Hz). */
const GAP_PERIODS = 2;

/** `YYYY-MM-DD hh:mm:ss` (SKAB, spreadsheet exports) or ISO 8601; a zone-less time is read as UTC. */
function parseTime(text: string): number {
  const trimmed = text.trim();
  const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed) ? `${trimmed.replace(' ', 'T')}Z` : trimmed;
  return Date.parse(iso);
}

/**
 * Turns rows that arrive in file order, chunk by chunk, into the float32 tensors the model reads, as the spec
 * says: each feature standardised by the mean and std of the file's first `calibration.rows` rows, and each row
 * scored through the window of `window.rows` rows ending at it (the file's first row repeated before the start).
 *
 * Memory is bounded by the calibration rows, the window and the chunk, never by the file: rows are held only
 * until calibration is known (then emitted, since they are scored too), and afterwards only the last
 * `window.rows - 1` standardised rows are kept. The time column is read to warn about disorder and gaps; it never
 * reaches the model.
 */
export class TimeSeriesTensorizer {
  readonly #features: number;
  readonly #windowRows: number;
  readonly #calibrationRows: number;
  readonly #timeField: string | undefined;
  readonly #gapMs: number | undefined;

  /** Raw rows waiting for calibration to be known. */
  #pending: Float64Array[] = [];
  #pendingWarnings: TimeSeriesWarning[] = [];
  #mean: Float64Array | undefined;
  #std: Float64Array | undefined;
  /** The last windowRows - 1 standardised rows, oldest first, as a ring. */
  #history: Float32Array;
  #historyStart = 0;
  #started = false;
  #nextRow = 0;
  #emittedRows = 0;
  #lastTime: number | undefined;
  #ended = false;

  constructor(spec: TimeSeriesSpec) {
    this.#features = spec.features.length;
    if (this.#features === 0) throw new Error('A time-series spec needs at least one feature.');
    const window = spec.window;
    if (window && (!Number.isInteger(window.rows) || window.rows < 1)) {
      throw new Error(`window.rows must be a positive integer, got ${window.rows}.`);
    }
    // Every row gets its own score (the batch output has one line per input row), so windows advance by one row.
    if (window && window.step !== 1) throw new Error(`Only window.step 1 is supported, got ${window.step}.`);
    this.#windowRows = window?.rows ?? 1;
    this.#calibrationRows = spec.calibration?.rows ?? 0;
    this.#timeField = window?.timeColumn;
    this.#gapMs = window?.samplingSeconds ? window.samplingSeconds * GAP_PERIODS * 1000 : undefined;
    this.#history = new Float32Array((this.#windowRows - 1) * this.#features);
    this.windowed = window !== undefined;
    if (this.#calibrationRows === 0) {
      this.#mean = new Float64Array(this.#features);
      this.#std = new Float64Array(this.#features).fill(1);
    }
  }

  /** Whether tensors are [N, rows, F] (a window in the spec) or [N, F]. */
  readonly windowed: boolean;

  /**
   * Takes the next rows of the file and returns the tensor for every row that can now be scored: none while
   * calibration rows are still arriving, then those rows and the chunk at once.
   */
  push(rows: readonly TimeSeriesRow[]): TimeSeriesBatch | undefined {
    if (this.#ended) throw new Error('push after end: the series is closed.');
    const warnings: TimeSeriesWarning[] = [];
    const raw = rows.map((row) => {
      this.#checkTime(row.time, warnings);
      if (row.features.length !== this.#features) {
        throw new Error(`Row ${this.#nextRow} has ${row.features.length} features, the spec has ${this.#features}.`);
      }
      this.#nextRow += 1;
      return Float64Array.from(row.features);
    });
    if (!this.#mean) {
      // One at a time: spreading a chunk of many thousand rows into push() can exceed the argument limit.
      for (const row of raw) this.#pending.push(row);
      for (const warning of warnings) this.#pendingWarnings.push(warning);
      if (this.#pending.length < this.#calibrationRows) return undefined;
      this.#calibrate();
      return this.#flushPending();
    }
    return this.#emit(raw, warnings);
  }

  /** The end of the file: scores rows still waiting for calibration (a file shorter than the calibration rows). */
  end(): TimeSeriesBatch | undefined {
    const batch = this.calibrateNow();
    this.#ended = true;
    return batch;
  }

  /**
   * Calibrates on the rows received so far, if calibration is still waiting, and scores them: for callers that
   * must answer every chunk at once (an HTTP request is the whole series; see chunkTensorizer).
   */
  calibrateNow(): TimeSeriesBatch | undefined {
    if (this.#ended) throw new Error('calibrateNow after end: the series is closed.');
    if (this.#mean || this.#pending.length === 0) return undefined;
    this.#pendingWarnings.push({
      row: 0,
      field: '(calibration)',
      code: 'calibration-short',
      message: `Calibrated on ${this.#pending.length} rows, fewer than the ${this.#calibrationRows} the model expects.`,
    });
    this.#calibrate();
    return this.#flushPending();
  }

  #flushPending(): TimeSeriesBatch {
    const rows = this.#pending;
    const warnings = this.#pendingWarnings;
    this.#pending = [];
    this.#pendingWarnings = [];
    return this.#emit(rows, warnings);
  }

  /** Mean and population std (as numpy's default, which training used) of each feature over the pending rows. */
  #calibrate(): void {
    const rows = this.#pending.slice(0, this.#calibrationRows);
    const mean = new Float64Array(this.#features);
    const std = new Float64Array(this.#features);
    for (const row of rows) for (let f = 0; f < this.#features; f += 1) mean[f]! += row[f]!;
    for (let f = 0; f < this.#features; f += 1) mean[f]! /= rows.length;
    for (const row of rows) for (let f = 0; f < this.#features; f += 1) std[f]! += (row[f]! - mean[f]!) ** 2;
    for (let f = 0; f < this.#features; f += 1) std[f] = Math.max(Math.sqrt(std[f]! / rows.length), STD_FLOOR);
    this.#mean = mean;
    this.#std = std;
  }

  #emit(raw: Float64Array[], warnings: TimeSeriesWarning[]): TimeSeriesBatch {
    const F = this.#features;
    const W = this.#windowRows;
    const firstRow = this.#emittedRows;
    const data = new Float32Array(raw.length * W * F);
    const standardised = new Float32Array(F);
    for (const [i, row] of raw.entries()) {
      for (let f = 0; f < F; f += 1) standardised[f] = (row[f]! - this.#mean![f]!) / this.#std![f]!;
      if (!this.#started) {
        // Before the file's first row, the window repeats it.
        for (let h = 0; h < W - 1; h += 1) this.#history.set(standardised, h * F);
        this.#started = true;
      }
      const out = i * W * F;
      for (let h = 0; h < W - 1; h += 1) {
        const slot = ((this.#historyStart + h) % (W - 1)) * F;
        data.set(this.#history.subarray(slot, slot + F), out + h * F);
      }
      data.set(standardised, out + (W - 1) * F);
      if (W > 1) {
        // The oldest row leaves the ring and this one takes its place.
        this.#history.set(standardised, this.#historyStart * F);
        this.#historyStart = (this.#historyStart + 1) % (W - 1);
      }
    }
    this.#emittedRows += raw.length;
    const dims = this.windowed ? [raw.length, W, F] : [raw.length, F];
    return { firstRow, rows: raw.length, tensor: { dtype: 'float32', dims, data }, warnings };
  }

  #checkTime(text: string | undefined, warnings: TimeSeriesWarning[]): void {
    if (!this.#timeField || text === undefined) return;
    const row = this.#nextRow;
    const field = this.#timeField;
    const time = parseTime(text);
    if (Number.isNaN(time)) {
      warnings.push({ row, field, code: 'time-unreadable', message: `${quoteCell(text)} is not a date and time.` });
      return;
    }
    const last = this.#lastTime;
    if (last !== undefined && time <= last) {
      warnings.push({
        row,
        field,
        code: 'time-not-increasing',
        message: `${quoteCell(text)} does not come after the previous row: rows are scored in file order.`,
      });
    } else if (last !== undefined && this.#gapMs !== undefined && time - last > this.#gapMs) {
      warnings.push({
        row,
        field,
        code: 'time-gap',
        message: `${(time - last) / 1000} s since the previous row, sampling is every ${this.#gapMs / GAP_PERIODS / 1000} s.`,
      });
    }
    this.#lastTime = Math.max(time, last ?? time);
  }
}

/** What a chunk of rows becomes: the tensor that scores them, and what their time cells said. */
export interface ChunkTensor {
  tensor: FloatTensor;
  warnings: TimeSeriesWarning[];
}

/**
 * The tabular serving path's per-chunk contract (functions/serving/tabular/model-tensor.ts: successive [rows, F]
 * float32 matrices in file order, with each row's time cell where the spec names a time column, one tensor per
 * chunk with the same rows). A first chunk shorter than the calibration rows is calibrated on its own rows, as a
 * series that short would be; with chunks of at least `calibration.rows` rows every tensor equals
 * TimeSeriesTensorizer's.
 */
export function chunkTensorizer(spec: TimeSeriesSpec): {
  next(matrix: Float32Array, rows: number, times?: ReadonlyArray<string | undefined>): ChunkTensor;
} {
  const series = new TimeSeriesTensorizer(spec);
  const width = spec.features.length;
  return {
    next(matrix, rows, times) {
      const chunk = Array.from({ length: rows }, (_, i) => ({
        features: matrix.subarray(i * width, (i + 1) * width),
        time: times?.[i],
      }));
      const batch = series.push(chunk) ?? series.calibrateNow();
      return {
        tensor: batch?.tensor ?? {
          dtype: 'float32',
          dims: series.windowed ? [0, spec.window!.rows, width] : [0, width],
          data: new Float32Array(0),
        },
        warnings: batch?.warnings ?? [],
      };
    },
  };
}
