/**
 * The memory of reading a training file (#26): `tsx scripts/automl/read-memory.ts [MiB] [file] [semi-space MiB] [--train[=seconds]]` writes the generated
 * table (generated-table.ts, seed 1) of at most <MiB> MiB to <file> (default `.local/automl/generated-<MiB>.csv`)
 * unless it is there, then reads it from disk, reads it as the training does (readTrainingCsv) and profiles it
 * (profileTable, up to the float32 table the search learns from) in a fresh process. The figure is the peak RSS of
 * that process (`process.resourceUsage().maxRSS`) minus its RSS once the code is loaded, per MiB of file: the file's
 * bytes, the columns, the table, and the garbage made on the way all count. Prints one JSON line. With a semi-space
 * size, the child runs with `--max-semi-space-size`: V8's young generation (about 30 MiB by default, whatever the
 * file) no longer hides what grows with the file on a small one (tests/memory/training-read.test.ts). With
 * `--train`, the child then trains from the file as the train function does (the whole search at the default budget or
 * the one given, the refit, the export and its check): the figure that sizes the training limits
 * (functions/platform/training-limits.ts).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { profileTable } from '../../functions/training/profile';
import { readTrainingCsv } from '../../functions/training/read-csv';
import { DEFAULT_TIME_BUDGET_SECONDS } from '../../functions/training/training-request';
import { generatedTableLines, trainGeneratedTable } from './generated-table';

const MIB = 1024 * 1024;

function writeTable(file: string, mebibytes: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  let size = 0;
  let chunk: string[] = [];
  for (const line of generatedTableLines(Number.MAX_SAFE_INTEGER, 'classification')) {
    const bytes = line.length + 1;
    if (size + bytes > mebibytes * MIB) break;
    size += bytes;
    chunk.push(line);
    if (chunk.length === 10_000) {
      writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  writeSync(fd, chunk.join('\n') + '\n');
  closeSync(fd);
}

/** No limit on the file: what is measured here is what the limits should be. */
const UNLIMITED = { maxBytes: Number.MAX_SAFE_INTEGER, maxRows: Number.MAX_SAFE_INTEGER };

async function measure(file: string, budgetSeconds: number | undefined): Promise<void> {
  const baseline = process.memoryUsage().rss;
  const started = performance.now();
  const bytes = readFileSync(file);
  const { data } = profileTable(readTrainingCsv(bytes, UNLIMITED), { target: 'target' });
  const training = budgetSeconds ? await train(bytes, budgetSeconds) : undefined;
  const seconds = (performance.now() - started) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  const fileMiB = bytes.length / MIB;
  console.log(
    JSON.stringify({
      fileMiB: Math.round(fileMiB * 10) / 10,
      rows: data.rows,
      features: data.features.length,
      seconds: Math.round(seconds * 10) / 10,
      baselineMiB: Math.round(baseline / MIB),
      peakMiB: Math.round(peak / MIB),
      perMiB: Math.round(((peak - baseline) / MIB / fileMiB) * 100) / 100,
      ...training,
    }),
  );
}

/** The whole training as the train function runs it, and what it chose. */
async function train(bytes: Uint8Array, timeBudgetSeconds: number) {
  const outcome = await trainGeneratedTable(bytes, timeBudgetSeconds, UNLIMITED);
  return {
    chosen: outcome.metadata.training.parameters.candidate,
    leaderboard: outcome.leaderboard.map((e) => [e.candidate, e.cvScore, e.fitSeconds, e.status]),
    cpuSeconds: Math.round(process.cpuUsage().user / 1e5) / 10,
  };
}

const trainFlag = process.argv.find((arg) => arg.startsWith('--train'));
/** `--train` trains at the default budget, `--train=<seconds>` at that one. */
const trainingBudget = trainFlag ? Number(trainFlag.split('=')[1] ?? DEFAULT_TIME_BUDGET_SECONDS) : undefined;
const [mode, ...rest] = process.argv.slice(2).filter((arg) => arg !== trainFlag);
if (mode === '--measure') await measure(rest[0]!, trainingBudget);
else {
  const mebibytes = Number(mode ?? 100);
  const file = rest[0] ?? `.local/automl/generated-${mebibytes}.csv`;
  if (!existsSync(file) || statSync(file).size === 0) writeTable(file, mebibytes);
  const semiSpace = rest[1] ? [`--max-semi-space-size=${rest[1]}`] : [];
  const args = [...semiSpace, '--import', 'tsx', import.meta.filename, '--measure', file, ...(trainFlag ? [trainFlag] : [])];
  process.stdout.write(execFileSync(process.execPath, args, { env: { ...process.env, NODE_OPTIONS: '' } }));
}
