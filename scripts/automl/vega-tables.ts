/**
 * Quality and time check of the AutoML on public tables from the npm package vega-datasets (a devDependency, read
 * from node_modules, never committed): writes each table as CSV, trains on it exactly as the train function does,
 * and writes the held-out split so scripts/automl/compare_sklearn.py scores scikit-learn on the same rows.
 *
 *   npx tsx scripts/automl/vega-tables.ts [outDir]     (then /usr/bin/python3 scripts/automl/compare_sklearn.py outDir)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { profileTable } from '../../functions/training/profile';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { readTrainingCsv } from '../../functions/training/read-csv';
import { HELD_OUT_FOLDS } from '../../functions/training/search';
import { assignFolds } from '../../functions/training/split';
import { SEED, trainFromCsv } from '../../functions/training/train';
import { DEFAULT_TIME_BUDGET_SECONDS } from '../../functions/training/training-request';
import { vegaCsv, vegaTable } from './vega-csv';

const outDir = process.argv[2] ?? '/tmp/vigie-automl';
const tables = [
  { name: 'penguins', target: 'species', csv: vegaTable('penguins.json') },
  { name: 'cars-mpg', target: 'miles_per_gallon', csv: vegaTable('cars.json') },
  { name: 'cars-origin', target: 'origin', csv: vegaTable('cars.json') },
  { name: 'seattle-weather', target: 'weather', csv: vegaCsv('seattle-weather.csv') },
];

mkdirSync(outDir, { recursive: true });
const limits = DEFAULT_TRAINING_LIMITS;
const summary = [];
for (const table of tables) {
  const bytes = new TextEncoder().encode(table.csv);
  writeFileSync(join(outDir, `${table.name}.csv`), bytes);
  const { data: cleaned, report } = profileTable(readTrainingCsv(bytes, limits), { target: table.target });
  const started = performance.now();
  const outcome = await trainFromCsv(
    bytes,
    {
      model: table.name,
      version: '1.0.0',
      target: table.target,
      timeBudgetSeconds: DEFAULT_TIME_BUDGET_SECONDS,
      source: table.name,
      codeCommit: null,
      ownerContact: 'ml@example.org',
    },
    limits,
    () => undefined,
  );
  const seconds = (performance.now() - started) / 1000;
  // The rows the trainer used, by their line in the file, and which of them it held out.
  const target = report.target.name;
  const header = table.csv.split('\n')[0]!.split(',');
  const folds = assignFolds(cleaned, HELD_OUT_FOLDS, SEED);
  writeFileSync(
    join(outDir, `${table.name}.split.json`),
    JSON.stringify({
      target,
      task: outcome.task,
      features: cleaned.features.map((f) => ({ name: f.name, type: f.type })),
      header,
      heldOut: Array.from(folds, (f) => f === 0),
      droppedRows: report.rows.dropped,
    }),
  );
  summary.push({
    table: table.name,
    rows: cleaned.rows,
    task: outcome.task,
    seconds: Math.round(seconds * 10) / 10,
    leaderboard: outcome.leaderboard.map((e) => [e.candidate, e.cvScore, e.fitSeconds]),
    heldOut: outcome.metrics.heldOut,
  });
}
console.log(JSON.stringify(summary, null, 1));
