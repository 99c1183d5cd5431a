/**
 * `vigie eval automl`: the AutoML benchmark (issue #26, docs/automl.md): Vigie trained on each public table through
 * its training code and scored through the CSV serving path (onnxruntime-node), beside the best scikit-learn
 * default on the same split (Debian's /usr/bin/python3 with python3-sklearn).
 */
import { BENCHMARK_TABLES } from '../../automl/benchmark-tables';
import { benchmarkTable, runAutomlBenchmark } from '../../evaluation/automl-benchmark';
import { emit } from '../output';
import { UsageError, type GlobalOptions } from '../target';

export interface AutomlEvalOptions {
  tables?: string;
  timeBudget?: string;
  out?: string;
}

export async function evaluateAutoml(options: AutomlEvalOptions, global: GlobalOptions): Promise<void> {
  const names = options.tables?.split(',').map((name) => name.trim());
  const unknown = names?.filter((name) => !BENCHMARK_TABLES.some((t) => t.name === name)) ?? [];
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown table(s) ${unknown.join(', ')}; the tables: ${BENCHMARK_TABLES.map((t) => t.name).join(', ')}.`,
    );
  }
  const timeBudgetSeconds = Number(options.timeBudget ?? 40);
  if (!(timeBudgetSeconds >= 5 && timeBudgetSeconds <= 780)) throw new UsageError('--time-budget is 5 to 780 seconds.');
  const tables = BENCHMARK_TABLES.filter((t) => !names || names.includes(t.name));
  const rows = await runAutomlBenchmark(tables, {
    outDir: options.out ?? '/tmp/vigie-automl-benchmark',
    timeBudgetSeconds,
    onTable: (table) => process.stderr.write(`training ${table}…\n`),
  });
  const differences = rows.map((r) => r.difference).sort((a, b) => a - b);
  const middle = differences.length / 2;
  const median = (differences[Math.floor(middle)]! + differences[Math.ceil(middle) - 1]!) / 2;
  emit(global.json, { rows, medianDifference: median }, () => [
    ...benchmarkTable(rows),
    '',
    `median difference ${median >= 0 ? '+' : ''}${median.toFixed(4)}; tables more than 0.02 behind: ${
      rows
        .filter((r) => r.difference < -0.02)
        .map((r) => r.table)
        .join(', ') || 'none'
    }`,
    ...rows.filter((r) => r.vigie !== r.reported).map((r) => `${r.table}: served ${r.vigie} ≠ reported ${r.reported}`),
  ]);
}
