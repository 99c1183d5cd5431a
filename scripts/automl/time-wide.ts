/**
 * Training time on a table of category columns only (issue #20.13: 20 columns of 50 values each, an 83 KB file,
 * took 20 s with a 5 s budget before the linear candidate was bounded). Generated from a seed; the class depends
 * on two of the columns.
 *
 *   npx tsx scripts/automl/time-wide.ts [rows] [columns] [values] [task] [timeBudgetSeconds]
 */
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../../functions/training/random';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { trainFromCsv } from '../../functions/training/train';

const rows = Number(process.argv[2] ?? 1_000);
const columns = Number(process.argv[3] ?? 20);
const values = Number(process.argv[4] ?? 50);
const task = process.argv[5] === 'regression' ? 'regression' : 'classification';
const budget = Number(process.argv[6] ?? 5);
const random = seededRandom(1);
const lines = [[...Array.from({ length: columns }, (_, j) => `c${j}`), 'target'].join(',')];
for (let i = 0; i < rows; i += 1) {
  const cells = Array.from({ length: columns }, () => Math.floor(random() * values));
  const signal = (cells[0]! % 3) + (cells[1]! % 2) + random();
  const target = task === 'regression' ? signal.toFixed(3) : ['low', 'mid', 'high'][Math.min(2, Math.floor(signal))]!;
  lines.push([...cells.map((cell) => `v${cell}`), target].join(','));
}
const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
const started = performance.now();
const outcome = await trainFromCsv(
  bytes,
  {
    model: 'timing',
    version: '1.0.0',
    target: 'target',
    timeBudgetSeconds: budget,
    source: 'generated',
    codeCommit: null,
    ownerContact: 'ml@example.org',
  },
  DEFAULT_TRAINING_LIMITS,
  () => undefined,
);
console.log(
  JSON.stringify({
    rows,
    columns,
    values,
    kilobytes: Math.round(bytes.length / 1024),
    task,
    budget,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    chosen: outcome.metadata.training.parameters.candidate,
    leaderboard: outcome.leaderboard.map((e) => [e.candidate, e.cvScore, e.fitSeconds, e.status]),
    cpuSeconds: Math.round(process.cpuUsage().user / 1e5) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
