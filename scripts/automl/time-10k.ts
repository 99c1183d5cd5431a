/**
 * Training time on a 10,000-row x 20-column table (the budget: under 60 s on the development machine).
 * The table is generated from a seed (15 numeric columns, 5 categorical ones, a class depending on a few of them,
 * 2 % empty cells): only its size matters here; quality is measured on public tables (`vigie eval automl`, docs/automl.md).
 *
 *   npx tsx scripts/automl/time-10k.ts [rows] [task]
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { DEFAULT_TIME_BUDGET_SECONDS } from '../../functions/training/training-request';
import { trainFromCsv } from '../../functions/training/train';
import { generatedTableLines } from './generated-table';

const rows = Number(process.argv[2] ?? 10_000);
const task = process.argv[3] === 'regression' ? 'regression' : 'classification';
const bytes = new TextEncoder().encode([...generatedTableLines(rows, task)].join('\n'));
const started = performance.now();
const outcome = await trainFromCsv(
  bytes,
  {
    model: 'timing',
    version: '1.0.0',
    target: 'target',
    timeBudgetSeconds: DEFAULT_TIME_BUDGET_SECONDS,
    source: 'generated',
    codeCommit: null,
    ownerContact: 'ml@example.org',
  },
  DEFAULT_TRAINING_LIMITS,
  () => undefined,
);
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    rows,
    columns: outcome.dataReport.columns.kept.length + outcome.dataReport.columns.dropped.length + 1,
    task,
    seconds: Math.round(seconds * 10) / 10,
    chosen: outcome.metadata.training.parameters.candidate,
    leaderboard: outcome.leaderboard.map((e) => [e.candidate, e.cvScore, e.fitSeconds, e.status]),
    cpuSeconds: Math.round(process.cpuUsage().user / 1e5) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
