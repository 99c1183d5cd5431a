/**
 * `vigie train <csv> --model <m> --target <column>`: a training from a CSV through POST /v1/models/{model}/trainings,
 * followed at the address its 202 answer gives (Location) until it ends, with its progress on a terminal. What it
 * registers is a pending version: the command ends on the decision a person has to make.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { buffer } from 'node:stream/consumers';
import type { Command } from 'commander';
import { parseTrainingOptions } from '../../../functions/training/training-request';
import { decodeCsv } from '../../../functions/serving/tabular/csv-dialect';
import { callApi, callApiFor } from '../api';
import { modelArgument } from '../model-argument';
import { emit } from '../output';
import { progressBar } from '../progress';
import { apiTarget, UsageError, type ApiTarget, type GlobalOptions } from '../target';
import { describeTraining, trainingEnded, type TrainingView } from '../training-lines';

interface TrainOptions {
  model?: string;
  target?: string;
  task?: string;
  metric?: string;
  timeBudget?: string;
  acceptIdentifiers?: string;
  wait: boolean;
}

const POLL_MS = 1_000;
/** The train function's own timeout (900 s, serverless.yml) and a minute to be picked up: past it, it will not end. */
const FOLLOW_LIMIT_MS = 960_000;

/** The query the route takes, checked as the API checks it, so a bad option is a usage mistake before any upload. */
function trainingQuery(options: TrainOptions): URLSearchParams {
  if (!options.target) throw new UsageError('Say which column to predict with --target <column>.');
  const raw = {
    target: options.target,
    task: options.task,
    metric: options.metric,
    timeBudgetSeconds: options.timeBudget,
    acceptIdentifiers: options.acceptIdentifiers,
  };
  try {
    parseTrainingOptions(raw);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^timeBudgetSeconds/, '--time-budget'));
  }
  return new URLSearchParams(Object.entries(raw).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Polls the training until it ends, drawing its progress (standard error, on a terminal only). */
async function follow(target: ApiTarget, location: string): Promise<TrainingView> {
  const bar = progressBar('training', 100);
  const deadline = Date.now() + FOLLOW_LIMIT_MS;
  try {
    for (;;) {
      const training = (await callApi(target, location)) as TrainingView;
      bar.update(Math.round((training.progress ?? 0) * 100));
      if (trainingEnded(training)) return training;
      if (Date.now() > deadline) {
        throw new Error(`Training ${training.trainingId} is still ${training.status} after ${FOLLOW_LIMIT_MS / 60_000} minutes.`);
      }
      await sleep(POLL_MS);
    }
  } finally {
    bar.stop();
  }
}

async function train(source: string, options: TrainOptions, global: GlobalOptions): Promise<void> {
  if (!options.model) throw new UsageError('Name the model to train with --model <name> (a new name, or a trained one).');
  const model = modelArgument(options.model);
  const query = trainingQuery(options);
  const csv = source === '-' ? await buffer(process.stdin) : await readFile(source);
  if (csv.length === 0) throw new UsageError(`${source === '-' ? 'Standard input' : source} is empty.`);
  const target = await apiTarget(global);
  const { body, headers } = await callApiFor(target, `/v1/models/${model}/trainings?${query}`, {
    method: 'POST',
    // A file that is not UTF-8 (French Excel's Windows-1252) goes as bytes: as text/csv its accents would be lost.
    headers: { 'content-type': decodeCsv(csv, true).encoding === 'utf-8' ? 'text/csv' : 'application/octet-stream' },
    body: csv,
  });
  const { trainingId } = body as { trainingId: string };
  // Where the API says to follow it, rather than an address built here.
  const location = headers.get('location') ?? `/v1/trainings/${trainingId}`;
  if (!options.wait) {
    emit(global.json, { ...(body as object), location }, () => [
      `Training ${trainingId} of ${model} queued.`,
      `Follow it: vigie trainings get ${trainingId}`,
    ]);
    return;
  }
  const training = await follow(target, location);
  if (training.status === 'failed') {
    if (global.json) console.log(JSON.stringify(training, null, 2));
    throw new Error(`Training ${trainingId} of ${model} failed, ${training.error?.code}: ${training.error?.message}`);
  }
  emit(global.json, training, () => describeTraining(training));
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a pending version of a model from a CSV table (POST /v1/models/{model}/trainings) and follow it')
    .argument('<csv>', 'the table, with a header row; - for standard input')
    .option('-m, --model <name>', 'the model to train a new version of')
    .option('-t, --target <column>', 'the column to predict')
    .option('--task <task>', 'classification or regression (detected from the target when absent)')
    .option('--metric <metric>', 'what ranks the candidates: accuracy, balanced_accuracy, f1_macro; r2, mae, rmse')
    .option('--time-budget <seconds>', 'the candidate search’s budget, 5 to 780 seconds (default 40)')
    .option('--accept-identifiers <columns>', 'identifier-like columns to train on all the same, comma-separated')
    .option('--no-wait', 'print the training id and return at once instead of following it')
    .addHelpText(
      'after',
      `
The version it registers is pending: approve it with vigie models approve. A failed training exits 1 with its error.

Examples:
  vigie train docs/samples/penguins.csv --model penguins --target species
  vigie train docs/samples/penguins.csv -m penguins -t species --metric balanced_accuracy --time-budget 20 --json
  vigie train readings.csv -m load-forecast -t kwh --task regression --no-wait`,
    )
    .action((source: string, options: TrainOptions, command: Command) =>
      train(source, options, command.optsWithGlobals<GlobalOptions>()),
    );
}
