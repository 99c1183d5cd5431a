/** `vigie start`: builds the function bundles, then runs the local platform (scripts/local/start.ts) until Ctrl-C. */
import type { Command } from 'commander';
import { buildFunctions } from '../../build/functions';
import { UsageError, type GlobalOptions } from '../target';

async function start(options: { build: boolean }, global: GlobalOptions): Promise<void> {
  if (global.stage !== 'local' || global.endpoint) throw new UsageError('vigie start runs the local stage only.');
  // Handlers run from dist/, so a stale bundle would serve yesterday's code.
  if (options.build) await buildFunctions();
  await import('../../local/start');
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('the whole platform on this machine: HTTP API, Lambda, S3 and DynamoDB emulators (Ctrl-C stops it)')
    .option('--no-build', 'skip rebuilding the function bundles in dist/')
    .addHelpText(
      'after',
      `
State lives in .local/ (VIGIE_STATE_DIR); ports move with VIGIE_HTTP_PORT, VIGIE_LAMBDA_PORT, VIGIE_S3_PORT,
VIGIE_DYNAMODB_PORT; VIGIE_API_KEY sets the local key.

Examples:
  vigie start
  VIGIE_HTTP_PORT=4000 vigie start --no-build`,
    )
    .action((options: { build: boolean }, command: Command) => start(options, command.optsWithGlobals<GlobalOptions>()));
}
