import type { TabularInputSpec } from './spec';
import { chunkTensorizer, type ChunkTensor } from './time-series';

/**
 * Turns successive chunks of rows (a [rows, F] matrix each, in file order) into the tensors the model takes. It is
 * stateful per file or request because time-series specs need it: `calibration` standardises with statistics of the
 * file's first rows, and `window` makes each row's window from the rows before it, across chunk boundaries. Where
 * the spec names a time column, each row's time cell comes along and what it says (disorder, gaps) comes back.
 */
export interface ChunkTensorizer {
  next(matrix: Float32Array, rows: number, times?: ReadonlyArray<string | undefined>): ChunkTensor;
}

/** Plain rows feed the model as they are; time-series specs go through calibration and windowing (time-series.ts). */
export function createTensorizer(spec: TabularInputSpec): ChunkTensorizer {
  if (spec.window || spec.calibration) return chunkTensorizer(spec);
  const width = spec.features.length;
  return {
    next: (matrix, rows): ChunkTensor => ({
      tensor: { dims: [rows, width], data: matrix.subarray(0, rows * width) },
      warnings: [],
    }),
  };
}
