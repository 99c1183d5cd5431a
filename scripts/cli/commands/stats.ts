/**
 * `vigie stats <model> [--from <ISO>] [--to <ISO>] [--interval hour|day] [--json]`: what a model did over a time
 * range, per version and alias (GET /v1/models/{model}/stats, functions/monitoring/stats.ts).
 */
import type { Command } from 'commander';
import type { ModelStats, StatsFigures } from '../../../functions/monitoring/stats';
import { callApi } from '../api';
import { modelArgument } from '../model-argument';
import { emit } from '../output';
import { apiTarget, type GlobalOptions } from '../target';

interface StatsOptions {
  from?: string;
  to?: string;
  interval?: string;
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

function line(figures: StatsFigures): string {
  const errors = Object.entries(figures.errors).map(([code, n]) => `${code} ${n}`);
  const latency = figures.latencyMs ? `p50 ${figures.latencyMs.p50} ms, p95 ${figures.latencyMs.p95} ms` : 'no latency';
  const labels = Object.entries(figures.labels ?? {}).map(([label, share]) => `${label} ${percent(share)}`);
  return [
    `${figures.count} prediction(s), ${figures.succeeded} ok, ${figures.rejected} rejected, ${figures.failed} failed`,
    latency,
    ...(figures.uncertainShare === null ? [] : [`uncertain ${percent(figures.uncertainShare)}`]),
    ...(errors.length > 0 ? [`errors: ${errors.join(', ')}`] : []),
    ...(labels.length > 0 ? [`labels: ${labels.join(', ')}`] : []),
    ...(figures.scores ? [`scores p05 ${figures.scores.p05}, p50 ${figures.scores.p50}, p95 ${figures.scores.p95}`] : []),
  ].join('; ');
}

async function stats(name: string, options: StatsOptions, global: GlobalOptions): Promise<void> {
  const query = new URLSearchParams({
    ...(options.from && { from: options.from }),
    ...(options.to && { to: options.to }),
    ...(options.interval && { interval: options.interval }),
  });
  const path = `/v1/models/${modelArgument(name)}/stats${query.size > 0 ? `?${query}` : ''}`;
  const body = (await callApi(await apiTarget(global), path)) as ModelStats;
  emit(global.json, body, () => [
    `${body.model}: ${body.from} → ${body.to}${body.series.length === 0 ? ', no prediction' : ''}`,
    ...body.series.flatMap((series) => [
      `  ${series.version ?? '(no version)'} ${series.alias ?? '(by version)'}: ${line(series.total)}`,
      ...series.buckets.map((bucket) => `    ${bucket.start}  ${line(bucket)}`),
    ]),
  ]);
}

export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('what a model did over a time range, per version and alias (GET /v1/models/{model}/stats)')
    .argument('<model>', 'the model name')
    .option('--from <time>', 'the range’s start, ISO 8601 (default: a day before --to)')
    .option('--to <time>', 'the range’s end, ISO 8601 (default: now)')
    .option('--interval <hour|day>', 'the buckets (default: hour; ranges over 7 days need day)')
    .addHelpText(
      'after',
      `
Counts, rejections, errors by code, latency p50/p95 (within 2 %), label shares or score quantiles and the share
of uncertain answers, per version and alias, in whole hours or days; CSV batch rows count.

Examples:
  vigie stats digits
  vigie stats iris --from 2026-11-01T00:00:00Z --to 2026-11-30T23:59:59Z --interval day --json`,
    )
    .action((name: string, options: StatsOptions, command: Command) =>
      stats(name, options, command.optsWithGlobals<GlobalOptions>()),
    );
}
