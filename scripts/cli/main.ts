/**
 * `vigie`: one command for the platform (bin/vigie.js runs this). Every command works against the local platform
 * by default and against a deployed stage with --stage and --api-key (its endpoint read from its CloudFormation
 * stack, or given with --endpoint); --json prints what machines read.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ApiError } from './api';
import { registerAudit } from './commands/audit';
import { registerDrift } from './commands/drift';
import { registerStats } from './commands/stats';
import { registerEval } from './commands/eval';
import { registerKeys } from './commands/keys';
import { registerMeasurements } from './commands/measure';
import { registerModels } from './commands/models';
import { registerPredict } from './commands/predict';
import { registerReport } from './commands/report';
import { registerStart } from './commands/start';
import { registerSubjects } from './commands/subjects';
import { registerTrain } from './commands/train';
import { registerTrainings } from './commands/trainings';
import { UsageError, type GlobalOptions } from './target';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * `vigie --version` (or -V) alone prints the CLI's version. Not commander's .version(): a root option is taken
 * wherever it stands on the line, and `vigie models import … --version 1.2.0` (DESIGN.md's contract) names the
 * model's version.
 */
const args = process.argv.slice(2);
const askedVersion = args.length === 1 && ['--version', '-V'].includes(args[0]!);

const program = new Command('vigie')
  .description('Vigie, serverless ML inference: run the platform, manage keys and models, predict, train, audit')
  .addOption(new Option('--stage <stage>', 'the stage to work on').default('local').env('VIGIE_STAGE'))
  .addOption(
    new Option(
      '--endpoint <url>',
      "the stage's HTTP API (default: the local platform; a deployed stage's is read from its stack)",
    ).env('VIGIE_ENDPOINT'),
  )
  .addOption(new Option('--api-key <key>', 'the x-api-key to send (default on the local stage: its key)').env('VIGIE_API_KEY'))
  .option('--json', 'print JSON for machines instead of lines for people')
  .showHelpAfterError('(vigie --help, or vigie <command> --help, lists what it takes)')
  // Commander's own refusals (an unknown command or option, a missing argument) throw instead of exiting 1: they
  // are usage mistakes, exit code 2 below. Set before the commands are added, which inherit it.
  .exitOverride()
  .addHelpText(
    'after',
    `
Examples:
  vigie start
  vigie predict events/samples/seven.png --model digits
  vigie train docs/samples/penguins.csv --model penguins --target species
  vigie keys create --name "line-3 cameras" --models car-detector
  vigie subjects export driver-42 --stage prod --api-key "$DPO_KEY"
  vigie audit predictions-by-subject --subject driver-42`,
  );

program.addHelpText('after', '\nvigie --version (or -V) prints the version of this CLI.');

registerStart(program);
registerKeys(program);
registerModels(program);
registerDrift(program);
registerStats(program);
registerPredict(program);
registerTrain(program);
registerTrainings(program);
registerAudit(program);
registerReport(program);
registerSubjects(program);
registerEval(program);
registerMeasurements(program);

try {
  if (askedVersion) console.log(version);
  else await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Already printed by commander; --help and --version end here too, with their exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    if (error instanceof ApiError && program.opts<GlobalOptions>().json) console.log(JSON.stringify(error.body, null, 2));
    console.error(`vigie: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
