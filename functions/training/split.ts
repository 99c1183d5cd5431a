import type { Dataset } from './dataset';
import { seededRandom, shuffle } from './random';

/**
 * Fold assignment of every row: stratified for classification (each class dealt round-robin after a seeded
 * shuffle, so every fold holds its share of each class), a seeded shuffle for regression.
 */
export function assignFolds(data: Dataset, folds: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const fold = new Int32Array(data.rows);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < data.rows; i += 1) {
    const key = data.task === 'classification' ? data.y[i]! : 0;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  }
  let next = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    for (const row of shuffle(groups.get(key)!, random)) {
      fold[row] = next % folds;
      next += 1;
    }
  }
  return fold;
}

/** Rows in / out of fold k. */
export function foldRows(fold: Int32Array, k: number): { inside: number[]; outside: number[] } {
  const inside: number[] = [];
  const outside: number[] = [];
  fold.forEach((f, row) => (f === k ? inside : outside).push(row));
  return { inside, outside };
}
