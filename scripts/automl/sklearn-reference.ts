import { execFileSync } from 'node:child_process';

/**
 * Runs scripts/automl/sklearn_reference.py on `tables` of `dir` in one Python process (Debian's python3-sklearn, or
 * VIGIE_PYTHON): each table's scores land in `dir`/<table>.sklearn.json.
 */
export function runSklearnReference(dir: string, tables: string[]): void {
  execFileSync(process.env.VIGIE_PYTHON ?? '/usr/bin/python3', ['scripts/automl/sklearn_reference.py', dir, ...tables], {
    stdio: ['ignore', 'ignore', 'inherit'],
    // HistGradientBoosting's OpenMP threads spin against each other on a shared machine: digits took minutes.
    env: { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' },
  });
}
