/**
 * Training time on a 10,000-row x 20-column table (issue #26: under 30 s, every candidate scored), and with
 * `--sklearn` the comparison its goal asks for: scikit-learn's defaults (scripts/automl/sklearn_reference.py)
 * cross-validated on the very folds Vigie's search used, and trained and scored on the same held-out rows.
 * The table is generated from a seed (15 numeric columns, 5 categorical ones, a class depending on a few of them,
 * 2 % empty cells): only its size matters for the time; quality is measured on public tables (`vigie eval automl`,
 * docs/automl.md).
 *
 *   npx tsx scripts/automl/time-10k.ts [rows] [classification|regression] [--sklearn]
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { DEFAULT_TIME_BUDGET_SECONDS } from '../../functions/training/training-request';
import { generatedTableLines, trainGeneratedTable } from './generated-table';
import { sklearnOnSameFolds } from './same-folds';

const [rowsArgument, taskArgument] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const rows = Number(rowsArgument ?? 10_000);
const task = taskArgument === 'regression' ? 'regression' : 'classification';
const text = [...generatedTableLines(rows, task)].join('\n') + '\n';
const started = performance.now();
const outcome = await trainGeneratedTable(new TextEncoder().encode(text), DEFAULT_TIME_BUDGET_SECONDS, DEFAULT_TRAINING_LIMITS);
const seconds = (performance.now() - started) / 1000;
const heldOut = outcome.metrics.heldOut as { accuracy?: number; r2?: number };
console.log(
  JSON.stringify({
    rows,
    columns: outcome.dataReport.columns.kept.length + outcome.dataReport.columns.dropped.length + 1,
    task,
    seconds: Math.round(seconds * 10) / 10,
    chosen: outcome.metadata.training.parameters.candidate,
    leaderboard: outcome.leaderboard.map((e) => [e.candidate, e.cvScore, e.fitSeconds, e.status]),
    heldOut: heldOut.accuracy ?? heldOut.r2,
    cpuSeconds: Math.round(process.cpuUsage().user / 1e5) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);

if (process.argv.includes('--sklearn')) {
  const sklearn = sklearnOnSameFolds(text, task, '.local/automl', `generated-${rows}-${task}`);
  console.log(JSON.stringify({ sklearn }));
}
