/** `vigie trainings list|get`: the trainings of a model and one training's report, as the API shows them. */
import type { Command } from 'commander';
import { trainingIdSchema } from '../../../functions/api/http/path-parameters';
import { parseTrainingListQuery } from '../../../functions/api/http/training-list-query';
import { InvalidInputError } from '../../../functions/platform/errors';
import { quoteName } from '../../../functions/platform/model-name';
import { callApi } from '../api';
import { emit } from '../output';
import { apiTarget, UsageError, type GlobalOptions } from '../target';
import { describeTraining, trainingLine, type TrainingView } from '../training-lines';

interface ListOptions {
  model?: string;
  inputKey?: string;
  limit?: string;
  cursor?: string;
}

async function list(options: ListOptions, global: GlobalOptions): Promise<void> {
  if (!options.model) throw new UsageError('Say whose trainings to list with --model <name>.');
  const raw = { model: options.model, inputKey: options.inputKey, limit: options.limit, cursor: options.cursor };
  try {
    parseTrainingListQuery(raw);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(error.message);
    throw error;
  }
  const query = new URLSearchParams(Object.entries(raw).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const page = (await callApi(await apiTarget(global), `/v1/trainings?${query}`)) as { items: TrainingView[]; cursor?: string };
  emit(global.json, page, () => [
    ...(page.items.length
      ? page.items.map(trainingLine)
      : [`No trainings of ${options.model}${options.inputKey ? ' from that upload' : ''}.`]),
    ...(page.cursor ? [`More: vigie trainings list --model ${options.model} --cursor ${page.cursor}`] : []),
  ]);
}

async function get(trainingId: string, global: GlobalOptions): Promise<void> {
  if (!trainingIdSchema.safeParse(trainingId).success) {
    throw new UsageError(
      `'${quoteName(trainingId)}' is not a training id (the one vigie train or vigie trainings list printed).`,
    );
  }
  const training = (await callApi(await apiTarget(global), `/v1/trainings/${trainingId}`)) as TrainingView;
  emit(global.json, training, () => describeTraining(training));
}

export function registerTrainings(program: Command): void {
  const trainings = program
    .command('trainings')
    .description('trainings from a CSV: list a model’s, show one')
    .addHelpText(
      'after',
      '\nExamples:\n  vigie trainings list --model penguins\n  vigie trainings get 0d9c3b1e-5f2a-4c1e-9a57-2b8f1d6e4a10',
    );
  trainings
    .command('list')
    .description('a model’s trainings, newest first (GET /v1/trainings?model=)')
    .option('-m, --model <name>', 'the model')
    .option('--input-key <key>', 'only the training an S3 upload to this key started (training/<model>/…)')
    .option('--limit <n>', 'trainings per page, 1 to 100 (default 20)')
    .option('--cursor <cursor>', 'the next page, as the previous one printed it')
    .addHelpText(
      'after',
      '\nExamples:\n  vigie trainings list --model penguins\n  vigie trainings list -m penguins --input-key training/penguins/penguins.csv --json',
    )
    .action((options: ListOptions, command: Command) => list(options, command.optsWithGlobals<GlobalOptions>()));
  trainings
    .command('get')
    .description('one training: its state, data report, chosen candidate and held-out metrics (GET /v1/trainings/{id})')
    .argument('<trainingId>', 'the id vigie train or vigie trainings list printed')
    .addHelpText('after', '\nExample:\n  vigie trainings get 0d9c3b1e-5f2a-4c1e-9a57-2b8f1d6e4a10 --json')
    .action((trainingId: string, _options: unknown, command: Command) =>
      get(trainingId, command.optsWithGlobals<GlobalOptions>()),
    );
}
