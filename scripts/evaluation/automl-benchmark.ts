/**
 * The AutoML benchmark (issue #26): for each public table, Vigie trains from the CSV through its training code
 * (trainFromCsv, as the train function does), the exported ONNX graph scores the held-out rows through the CSV
 * serving path (csv-parse, validation from the spec, onnxruntime-node: csv-score.ts), and scikit-learn's defaults
 * are trained on the same rows and scored on the same held-out rows (scripts/automl/sklearn_reference.py).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { runTabular } from '../../functions/serving/inference/run-tabular';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { decodeCsv, formatField, sniffDialect } from '../../functions/serving/tabular/csv-dialect';
import { scoreCsv, type RowOutcome } from '../../functions/serving/tabular/csv-score';
import { parseDecimal } from '../../functions/serving/tabular/features';
import { regressionMetrics } from '../../functions/training/metrics';
import { cellText } from '../../functions/training/columns';
import { profileTable } from '../../functions/training/profile';
import { readTrainingCsv } from '../../functions/training/read-csv';
import { searchSplit } from '../../functions/training/search';
import { SEED, trainFromCsv } from '../../functions/training/train';
import type { BenchmarkTable } from '../automl/benchmark-tables';
import { runSklearnReference } from '../automl/sklearn-reference';

export interface BenchmarkRow {
  table: string;
  rows: number;
  columns: number;
  task: string;
  metric: 'accuracy' | 'r2';
  /** Vigie's held-out score as the served graph answers it (CSV path, onnxruntime-node). */
  vigie: number;
  /** Vigie's held-out score as the training reported it (metadata.metrics.heldOut). */
  reported: number;
  chosen: string;
  sklearnBest: string;
  sklearn: number;
  sklearnScores: Record<string, number>;
  difference: number;
  trainSeconds: number;
}

const round4 = (value: number) => Math.round(value * 1e4) / 1e4;

/** Served answers for the held-out rows: the CSV in the uploaded file's own dialect, through csv-score.ts. */
async function serve(csvText: string, outcome: Awaited<ReturnType<typeof trainFromCsv>>, dir: string) {
  const artifactPath = join(dir, 'model.onnx');
  writeFileSync(artifactPath, outcome.onnx);
  const model = { metadata: outcome.metadata, artifactPath };
  if (model.metadata.input.kind !== 'tabular') throw new Error('AutoML trains tabular models only.');
  const outcomes: RowOutcome[] = [];
  const sessions = new SessionCache();
  await scoreCsv(
    [csvText],
    model.metadata.input,
    (tensor) => runTabular(sessions, model, tensor),
    { header: () => undefined, rows: (chunk) => void outcomes.push(...chunk) },
    { chunkRows: 4096 },
  );
  return outcomes;
}

/** Trains, serves and writes what the reference needs; the scikit-learn scores come after, for all tables at once. */
async function runVigie(table: BenchmarkTable, outDir: string, timeBudgetSeconds: number) {
  const bytes = table.csv();
  const limits = DEFAULT_TRAINING_LIMITS;
  const raw = readTrainingCsv(bytes, limits);
  const { data, report, used } = profileTable(raw, { target: table.target });
  const started = performance.now();
  const outcome = await trainFromCsv(
    bytes,
    {
      model: table.name,
      version: '1.0.0',
      target: table.target,
      timeBudgetSeconds,
      source: table.source,
      codeCommit: null,
      ownerContact: 'ml@example.org',
    },
    limits,
    () => undefined,
  );
  const trainSeconds = (performance.now() - started) / 1000;
  const heldOutSet = new Set(searchSplit(data, SEED).heldOutRows);
  const heldOut = Array.from({ length: data.rows }, (_, i) => heldOutSet.has(i));
  const targetIndex = raw.header.indexOf(report.target.name);
  const dialect = sniffDialect(decodeCsv(bytes, true).text.slice(0, 64 * 1024));
  const line = (cells: string[]) => cells.map((cell) => formatField(cell, dialect)).join(dialect.separator);
  // The rows used, as text: the file's cells (numbers in their shortest text where the file had too many to keep).
  const usedRows = Array.from(used, (row) => raw.columns.map((column) => cellText(column, row)));
  const heldOutRows = usedRows.filter((_, i) => heldOut[i]);
  const csvText = [raw.header, ...heldOutRows].map(line).join('\n') + '\n';
  const dir = join(outDir, table.name);
  mkdirSync(dir, { recursive: true });
  const served = await serve(csvText, outcome, dir);
  const truth = heldOutRows.map((row) => row[targetIndex]!);
  let vigie: number;
  let reported: number;
  if (data.task === 'classification') {
    const labels = served.map((o) => (o.result && 'label' in o.result ? o.result.label : undefined));
    vigie = labels.filter((label, i) => label === truth[i]).length / truth.length;
    reported = (outcome.metrics.heldOut as { accuracy: number }).accuracy;
  } else {
    const values = served.map((o) => (o.result && 'value' in o.result ? o.result.value : Number.NaN));
    vigie = regressionMetrics(
      Float64Array.from(truth, (cell) => parseDecimal(cell)!),
      Float64Array.from(values),
    ).r2;
    reported = (outcome.metrics.heldOut as { r2: number }).r2;
  }
  // The reference reads plain UTF-8 `,` CSV of the rows Vigie used, in order, and which of them were held out.
  writeFileSync(
    join(outDir, `${table.name}.reference.csv`),
    [raw.header, ...usedRows]
      .map((cells) => cells.map((cell) => formatField(cell, { ...dialect, separator: ',' })).join(','))
      .join('\n') + '\n',
  );
  writeFileSync(
    join(outDir, `${table.name}.split.json`),
    JSON.stringify({ target: table.target, task: data.task, exclude: table.exclude, heldOut }),
  );
  return {
    table: table.name,
    rows: data.rows,
    columns: raw.header.length,
    task: data.task,
    metric: data.task === 'classification' ? ('accuracy' as const) : ('r2' as const),
    vigie: round4(vigie),
    reported: round4(reported),
    chosen: String(outcome.metadata.training.parameters.candidate),
    trainSeconds: Math.round(trainSeconds * 10) / 10,
  };
}

interface Reference {
  table: string;
  inputSha256: string;
  scores: Record<string, number>;
  best: string;
  bestScore: number;
}

/** The reference's inputs, hashed as sklearn_reference.py hashes them. */
function inputsSha256(outDir: string, table: string): string {
  const digest = createHash('sha256');
  for (const suffix of ['split.json', 'reference.csv']) digest.update(readFileSync(join(outDir, `${table}.${suffix}`)));
  return digest.digest('hex');
}

/**
 * scikit-learn's scores: those kept from a run on the very same files (the forest on 48,000 rows takes minutes), the
 * others computed now by the Python script, in one process.
 */
function referenceScores(outDir: string, tables: string[]): Reference[] {
  const kept = (table: string) => {
    const file = join(outDir, `${table}.sklearn.json`);
    if (!existsSync(file)) return undefined;
    const reference = JSON.parse(readFileSync(file, 'utf8')) as Reference;
    return reference.inputSha256 === inputsSha256(outDir, table) ? reference : undefined;
  };
  const missing = tables.filter((table) => !kept(table));
  if (missing.length > 0) {
    runSklearnReference(outDir, missing);
  }
  return tables.map((table) => kept(table)!);
}

export async function runAutomlBenchmark(
  tables: BenchmarkTable[],
  options: { outDir: string; timeBudgetSeconds: number; onTable?: (table: string) => void },
): Promise<BenchmarkRow[]> {
  mkdirSync(options.outDir, { recursive: true });
  const vigie = [];
  for (const table of tables) {
    options.onTable?.(table.name);
    vigie.push(await runVigie(table, options.outDir, options.timeBudgetSeconds));
  }
  const references = referenceScores(
    options.outDir,
    tables.map((t) => t.name),
  );
  return vigie.map((row) => {
    const reference = references.find((r) => r.table === row.table)!;
    return {
      ...row,
      sklearnBest: reference.best,
      sklearn: reference.bestScore,
      sklearnScores: reference.scores,
      difference: round4(row.vigie - reference.bestScore),
    };
  });
}

/** The benchmark as a Markdown table (docs/automl.md keeps it). */
export function benchmarkTable(rows: BenchmarkRow[]): string[] {
  const sign = (v: number) => (v >= 0 ? `+${v.toFixed(4)}` : v.toFixed(4));
  return [
    '| table | rows × columns | task, metric | Vigie (chosen) | scikit-learn best | difference |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.table} | ${r.rows.toLocaleString('en')} × ${r.columns} | ${r.task}, ${r.metric} | ${r.vigie.toFixed(4)} (${r.chosen}) | ` +
        `${r.sklearn.toFixed(4)} (${r.sklearnBest}) | ${sign(r.difference)} |`,
    ),
  ];
}
