/**
 * `vigie models shadow <model> [--from <ISO>] [--to <ISO>] [--json]`: how the shadow version agrees with the
 * version that answered (GET /v1/models/{model}/shadow, functions/monitoring/shadow-report.ts).
 */
import type { Command } from 'commander';
import type { ShadowAgreement, ShadowAnswer } from '../../../functions/monitoring/shadow-report';
import { callApi } from '../api';
import { modelArgument } from '../model-argument';
import { emit } from '../output';
import { apiTarget, type GlobalOptions } from '../target';

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

function pairLines(pair: ShadowAgreement): string[] {
  const figures = [
    `  ${pair.requests} request(s) shadowed, ${pair.failed} the shadow could not answer; ${pair.n} compared`,
    ...(pair.sameLabelShare !== undefined ? [`  same label: ${percent(pair.sameLabelShare)}`] : []),
    ...(pair.meanScoreDifference !== undefined ? [`  mean |score difference|: ${pair.meanScoreDifference.toFixed(4)}`] : []),
    ...(pair.boxes
      ? [
          `  boxes: ${pair.boxes.production} production, ${pair.boxes.shadow} shadow, ${pair.boxes.matched} matched ` +
            `(mean IoU ${(pair.meanIoU ?? 0).toFixed(3)}); same box count on ${percent(pair.boxCountAgreement ?? 0)} of pictures`,
        ]
      : []),
  ];
  return [`${pair.productionVersion} (answered) vs ${pair.shadowVersion} (shadow)`, ...figures];
}

async function shadow(name: string, options: { from?: string; to?: string }, global: GlobalOptions): Promise<void> {
  const query = new URLSearchParams({ ...(options.from && { from: options.from }), ...(options.to && { to: options.to }) });
  const path = `/v1/models/${modelArgument(name)}/shadow${query.size > 0 ? `?${query}` : ''}`;
  const body = (await callApi(await apiTarget(global), path)) as ShadowAnswer;
  emit(global.json, body, () => [
    `${body.model}: shadow ${body.shadow ? `${body.shadow.version} at ${body.shadow.weight ?? 0} %` : 'not set'}, ` +
      `window ${body.window.from} → ${body.window.to}`,
    ...(body.agreement.length > 0 ? body.agreement.flatMap(pairLines) : ['  no shadowed request in the window']),
  ]);
}

export function registerModelsShadow(models: Command): void {
  models
    .command('shadow')
    .description('how the shadow version agrees with the version that answered (GET /v1/models/{model}/shadow)')
    .argument('<model>', 'the model name')
    .option('--from <time>', 'the window’s start, ISO 8601 (default: the oldest record)')
    .option('--to <time>', 'the window’s end, ISO 8601 (default: now)')
    .addHelpText(
      'after',
      `
The shadow alias's version also scores its share of production's HTTP requests, after their answer; its outputs
are kept on their records, never answered. Set it with a weight, then read the agreement:

Examples:
  vigie models alias car-detector shadow 1.1.0 --weight 20 --reason "try 1.1.0 on real traffic"
  vigie models shadow car-detector
  vigie models shadow iris --from 2026-12-01T00:00:00Z --json`,
    )
    .action((name: string, options: { from?: string; to?: string }, command: Command) =>
      shadow(name, options, command.optsWithGlobals<GlobalOptions>()),
    );
}
