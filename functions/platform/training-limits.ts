export interface TrainingLimits {
  maxBytes: number;
  maxRows: number;
}

/**
 * Measured to fit the train function (3,008 MB, 900 s; docs/automl.md): the file is held as text cells, about
 * 13 MB of memory per MB of CSV once read and profiled. A 100 MB file (750,000 rows × 21 columns) peaked at
 * 1.8 GB and 240 CPU-seconds; 200 MB would not fit.
 */
export const DEFAULT_TRAINING_LIMITS: TrainingLimits = { maxBytes: 100 * 1024 * 1024, maxRows: 1_000_000 };
