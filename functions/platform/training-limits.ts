export interface TrainingLimits {
  maxBytes: number;
  maxRows: number;
}

/**
 * Measured to fit the train function (3,008 MB, 900 s; docs/automl.md, `scripts/automl/read-memory.ts 250 --train`):
 * the whole training of a 250 MiB file (2,018,089 rows × 21 columns, typed columns as it streams, #26) peaked at
 * 2,041 MiB at the default 40 s budget (126 s wall) and 1,857 MiB at a 300 s budget (388 s wall). The row limit keeps
 * narrow tables (more rows per MB, and per-row arrays in the search) near the rows measured.
 */
export const DEFAULT_TRAINING_LIMITS: TrainingLimits = { maxBytes: 250 * 1024 * 1024, maxRows: 2_500_000 };
