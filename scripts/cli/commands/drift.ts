/**
 * `vigie drift <model> [--from <ISO>] [--to <ISO>] [--json]`: whether the model's recent inputs and answers moved
 * away from its training data (GET /v1/models/{model}/drift, functions/monitoring/).
 */
import type { Command } from 'commander';
import type { DriftAnswer } from '../../../functions/monitoring/drift-report';
import { callApi } from '../api';
import { modelArgument } from '../model-argument';
import { emit } from '../output';
import { apiTarget, type GlobalOptions } from '../target';

const figure = (psi: number, threshold: number, breach: boolean) =>
  `PSI ${psi.toFixed(4)} (threshold ${threshold.toFixed(4)})${breach ? '  DRIFT' : ''}`;

async function drift(name: string, options: { from?: string; to?: string }, global: GlobalOptions): Promise<void> {
  const query = new URLSearchParams({ ...(options.from && { from: options.from }), ...(options.to && { to: options.to }) });
  const path = `/v1/models/${modelArgument(name)}/drift${query.size > 0 ? `?${query}` : ''}`;
  const body = (await callApi(await apiTarget(global), path)) as DriftAnswer & { generatedAt?: string };
  const { generatedAt } = body;
  emit(global.json, body, () => [
    `${body.model} ${body.version}: ${body.status}${body.alarm ? ', ALARM (3 of the last 5 windows drifted)' : ''}`,
    `  window ${body.window.from} → ${body.window.to}, ${body.window.n} row(s)${generatedAt ? ` (scheduled report of ${generatedAt})` : ''}`,
    ...body.features.map((feature) => `  ${feature.name.padEnd(24)} ${figure(feature.psi, feature.threshold, feature.breach)}`),
    `  ${'(answers)'.padEnd(24)} ${figure(body.output.psi, body.output.threshold, body.output.breach)}`,
  ]);
}

export function registerDrift(program: Command): void {
  program
    .command('drift')
    .description("whether a model's recent inputs and answers moved from its training data (GET /v1/models/{model}/drift)")
    .argument('<model>', 'the model name')
    .option('--from <time>', 'the window’s start, ISO 8601 (default: an hour before --to)')
    .option('--to <time>', 'the window’s end, ISO 8601 (default: now)')
    .addHelpText(
      'after',
      `
PSI per feature and for the answers, each against the threshold PSI passes only 1 % of the time when nothing
changed at this window's size; "not-enough-data" under 50 rows; an alarm when 3 of the last 5 windows drifted.
Without --from/--to: the latest report of the scheduled drift run (hourly; every few minutes under vigie start),
or the last hour measured now when rows came in since that report.

Examples:
  vigie drift sensor-anomaly
  vigie drift iris --from 2026-12-01T00:00:00Z --to 2026-12-02T00:00:00Z --json`,
    )
    .action((name: string, options: { from?: string; to?: string }, command: Command) =>
      drift(name, options, command.optsWithGlobals<GlobalOptions>()),
    );
}
