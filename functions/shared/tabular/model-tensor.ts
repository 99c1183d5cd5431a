import { ModelPackageError } from '../errors';
import type { FloatTensor } from '../preprocessing/tensor';
import type { TabularInputSpec } from './spec';

/**
 * Turns successive chunks of rows (a [rows, F] matrix each, in file order) into the tensors the model takes. It is
 * stateful per file or request because time-series specs need it: `calibration` standardises with statistics of the
 * file's first rows, and `window` makes each row's window from the rows before it, across chunk boundaries.
 */
export interface ChunkTensorizer {
  next(matrix: Float32Array, rows: number): FloatTensor;
}

/**
 * SEAM (issue 12): windowed and calibrated specs are built by functions/shared/tabular/time-series.ts, written with
 * the sensor-anomaly model on its own branch. Until it is merged, such a model is refused here as a package the
 * serving code cannot feed yet (500, `model-package-invalid`), never fed a wrong tensor.
 */
export function createTensorizer(spec: TabularInputSpec): ChunkTensorizer {
  if (spec.window || spec.calibration) {
    throw new ModelPackageError('This model needs windowed or calibrated rows (time-series.ts), which this build lacks.');
  }
  const width = spec.features.length;
  return { next: (matrix, rows) => ({ dims: [rows, width], data: matrix.subarray(0, rows * width) }) };
}
