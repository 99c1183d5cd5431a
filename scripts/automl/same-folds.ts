import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '../../functions/training/dataset';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { profileTable } from '../../functions/training/profile';
import { readTrainingCsv } from '../../functions/training/read-csv';
import { searchSplit } from '../../functions/training/search';
import { SEED } from '../../functions/training/train';
import { runSklearnReference } from './sklearn-reference';

export interface SameFoldsReference {
  /** Each scikit-learn default's mean score over Vigie's CV folds of its training rows. */
  cvOnVigieFolds: Record<string, number>;
  /** Each one trained on Vigie's training rows and scored on its held-out rows. */
  heldOut: Record<string, number>;
}

/**
 * scikit-learn's defaults (scripts/automl/sklearn_reference.py) on the rows Vigie's search used for a table whose
 * every row has its target (the generated ones): the same held-out rows, and a CV on the very same folds, so that
 * Vigie's leaderboard and scikit-learn's scores compare one for one. The files go to `dir` (`name`.reference.csv,
 * `name`.split.json, `name`.sklearn.json).
 */
export function sklearnOnSameFolds(csvText: string, task: Task, dir: string, name: string): SameFoldsReference {
  const bytes = new TextEncoder().encode(csvText);
  const { data, used } = profileTable(readTrainingCsv(bytes, DEFAULT_TRAINING_LIMITS), { target: 'target', task });
  if (used.length !== data.rows || used.some((row, i) => row !== i)) throw new Error('expected every row used, in order');
  const { trainRows, assignments } = searchSplit(data, SEED);
  const cvFold = new Array<number>(data.rows).fill(-1);
  trainRows.forEach((row, i) => (cvFold[row] = assignments[0]![i]!));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.reference.csv`), csvText);
  writeFileSync(
    join(dir, `${name}.split.json`),
    JSON.stringify({ target: 'target', task, exclude: [], heldOut: cvFold.map((f) => f < 0), cvFold }),
  );
  runSklearnReference(dir, [name]);
  const { scores, cvScores } = JSON.parse(readFileSync(join(dir, `${name}.sklearn.json`), 'utf8')) as {
    scores: Record<string, number>;
    cvScores: Record<string, number>;
  };
  return { cvOnVigieFolds: cvScores, heldOut: scores };
}
