import type { TrainingLimits } from '../../functions/platform/training-limits';
import { trainFromCsv } from '../../functions/training/train';
import { seededRandom } from '../../functions/training/random';

/**
 * The generated timing and memory table (seed 1): 15 numbers written with 4 decimals, 5 categories of 3 to 7 values,
 * 2 % empty cells, and a target (3 classes, or a number) depending on a few of them. About 132 bytes a row: 750,000
 * rows are a 99 MB file. Only its size matters; quality is measured on public tables (docs/automl.md).
 */
export function* generatedTableLines(rows: number, task: 'classification' | 'regression'): Generator<string> {
  const random = seededRandom(1);
  yield [...Array.from({ length: 15 }, (_, j) => `x${j}`), ...Array.from({ length: 5 }, (_, j) => `c${j}`), 'target'].join(',');
  for (let i = 0; i < rows; i += 1) {
    const x = Array.from({ length: 15 }, () => random() * 10 - 5);
    const c = Array.from({ length: 5 }, (_, j) => `v${Math.floor(random() * (3 + j))}`);
    const signal = x[0]! + 0.5 * x[1]! * x[2]! + (c[0] === 'v1' ? 2 : 0) + random() * 2;
    const target = task === 'regression' ? signal.toFixed(3) : signal > 1 ? 'high' : signal > -1 ? 'mid' : 'low';
    const cells = [...x.map((v) => v.toFixed(4)), ...c].map((cell) => (random() < 0.02 ? '' : cell));
    yield [...cells, target].join(',');
  }
}

/** Trains from a generated table as the train function does: the search within the budget, refit, export, check. */
export function trainGeneratedTable(bytes: Uint8Array, timeBudgetSeconds: number, limits: TrainingLimits) {
  return trainFromCsv(
    bytes,
    {
      model: 'generated',
      version: '1.0.0',
      target: 'target',
      timeBudgetSeconds,
      source: 'generated',
      codeCommit: null,
      ownerContact: 'ml@example.org',
    },
    limits,
    () => undefined,
  );
}
