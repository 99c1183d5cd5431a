/**
 * Training time on a 10,000-row x 20-column table (the budget: under 60 s on the development machine).
 * The table is generated from a seed (15 numeric columns, 5 categorical ones, a class depending on a few of them,
 * 2 % empty cells): only its size matters here; quality is measured on public tables (`vigie eval automl`, docs/automl.md).
 *
 *   npx tsx scripts/automl/time-10k.ts [rows] [task]
 */
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../../functions/training/random';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { DEFAULT_TIME_BUDGET_SECONDS } from '../../functions/training/training-request';
import { trainFromCsv } from '../../functions/training/train';

const rows = Number(process.argv[2] ?? 10_000);
const task = process.argv[3] === 'regression' ? 'regression' : 'classification';
const random = seededRandom(1);
const header = [...Array.from({ length: 15 }, (_, j) => `x${j}`), ...Array.from({ length: 5 }, (_, j) => `c${j}`), 'target'];
const lines = [header.join(',')];
for (let i = 0; i < rows; i += 1) {
  const x = Array.from({ length: 15 }, () => random() * 10 - 5);
  const c = Array.from({ length: 5 }, (_, j) => `v${Math.floor(random() * (3 + j))}`);
  const signal = x[0]! + 0.5 * x[1]! * x[2]! + (c[0] === 'v1' ? 2 : 0) + random() * 2;
  const target = task === 'regression' ? signal.toFixed(3) : signal > 1 ? 'high' : signal > -1 ? 'mid' : 'low';
  const cells = [...x.map((v) => v.toFixed(4)), ...c].map((cell) => (random() < 0.02 ? '' : cell));
  lines.push([...cells, target].join(','));
}
const bytes = new TextEncoder().encode(lines.join('\n'));
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
    columns: header.length,
    task,
    seconds: Math.round(seconds * 10) / 10,
    chosen: outcome.metadata.training.parameters.candidate,
    leaderboard: outcome.leaderboard.map((e) => [e.candidate, e.cvScore, e.fitSeconds, e.status]),
    cpuSeconds: Math.round(process.cpuUsage().user / 1e5) / 10,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
