/**
 * `vigie models canary <model>`: the canary's two arms compared, and the guard's verdict (GET
 * /v1/models/{model}/canary); `vigie models rollout <model> <version>`: the canary taken through its steps with a
 * bake time each, stopped when the guard withdraws it, ended by promoting it (docs/architecture.md, D25).
 */
import type { Command } from 'commander';
import type { ArmFigures } from '../../../functions/monitoring/canary-arms';
import type { CanaryReport } from '../../../functions/monitoring/canary-report';
import { quoteName } from '../../../functions/platform/model-name';
import { ApiError, callApi, callApiFor } from '../api';
import { modelArgument, versionArgument } from '../model-argument';
import { emit } from '../output';
import { apiTarget, UsageError, type ApiTarget, type GlobalOptions } from '../target';

interface ModelView {
  aliases: Record<string, { version: string; weight?: number }>;
  aliasHistory: Array<{
    seq: number;
    action: string;
    alias?: string;
    from?: string;
    to?: string;
    actor: string;
    reason: string;
    at: string;
  }>;
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

function outputLine(arm: ArmFigures): string {
  const { labels, quantiles } = arm.output;
  if (labels)
    return Object.entries(labels)
      .map(([label, share]) => `${label} ${pct(share)}`)
      .join(', ');
  if (quantiles) return `p05 ${quantiles.p05.toFixed(3)}  p50 ${quantiles.p50.toFixed(3)}  p95 ${quantiles.p95.toFixed(3)}`;
  return '(no answer yet)';
}

/** The two arms side by side, then the guard's verdict. */
function armsTable(report: CanaryReport): string[] {
  const { production, canary, guard } = report;
  const row = (name: string, of: (arm: ArmFigures) => string) =>
    `  ${name.padEnd(13)} ${of(production).padEnd(28)} ${of(canary)}`;
  return [
    `${report.model}: canary ${canary.version} at ${canary.weight ?? '?'} % against production ${production.version}`,
    `  window ${report.window.from} → ${report.window.to}`,
    row('', (arm) => (arm === production ? 'production' : 'canary')),
    row('version', (arm) => arm.version),
    row('requests', (arm) => String(arm.count)),
    row('errors', (arm) => `${arm.errors} (${pct(arm.errorRate)})`),
    row('rejected', (arm) => `${arm.rejected} (${pct(arm.rejectedRate)})`),
    row('p95 latency', (arm) => (arm.latencyP95Ms === null ? '-' : `${arm.latencyP95Ms.toFixed(1)} ms`)),
    `  output        production: ${outputLine(production)}`,
    `                canary:     ${outputLine(canary)}`,
    `guard: ${guard.verdict.decision} (${guard.verdict.reason})`,
  ];
}

const canaryPath = (model: string, query = '') => `/v1/models/${model}/canary${query}`;

async function showCanary(model: string, options: { from?: string; to?: string }, global: GlobalOptions): Promise<void> {
  const query = new URLSearchParams({ ...(options.from && { from: options.from }), ...(options.to && { to: options.to }) });
  const report = (await callApi(
    await apiTarget(global),
    canaryPath(modelArgument(model), query.size > 0 ? `?${query}` : ''),
  )) as CanaryReport;
  emit(global.json, report, () => armsTable(report));
}

/** `5,25,50,100`: whole percentages from 1 to 100, each larger than the one before. */
function parseSteps(text: string): number[] {
  const steps = text.split(',').map((step) => step.trim());
  const weights = steps.map(Number);
  const valid =
    steps.every((step) => /^\d{1,3}$/.test(step)) &&
    weights.every((w, i) => w >= 1 && w <= 100 && (i === 0 || w > weights[i - 1]!));
  if (!valid) {
    throw new UsageError(`--steps takes rising whole percentages from 1 to 100, e.g. 5,25,50,100, not '${quoteName(text)}'.`);
  }
  return weights;
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `30s`, `10m`, `1h` (and `500ms`, for tests): the bake time of each step. */
function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new UsageError(`--bake takes a duration such as 30s, 10m or 1h, not '${quoteName(text)}'.`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** Why the canary is no longer the version being rolled out, from the history: the guard's withdrawal, or a person's move. */
function whyGone(view: ModelView, version: string): string {
  const last = view.aliasHistory.filter((event) => event.alias === 'canary').at(-1);
  if (!last) return `canary ${version} is gone`;
  const who = last.actor === 'guard' ? 'the guard' : `key ${last.actor}`;
  return last.action === 'rollback'
    ? `${who} rolled canary ${last.from} back at ${last.at}: ${last.reason}`
    : `${who} moved the canary to ${last.to} at ${last.at}: ${last.reason}`;
}

class RolloutStopped extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readModel(target: ApiTarget, model: string) {
  const { body, headers } = await callApiFor(target, `/v1/models/${model}`);
  return { view: body as ModelView, etag: headers.get('etag') ?? undefined };
}

async function put(target: ApiTarget, model: string, alias: string, body: unknown, etag: string | undefined) {
  return callApi(target, `/v1/models/${model}/aliases/${alias}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(etag && { 'if-match': etag }) },
    body: JSON.stringify(body),
  });
}

/** The canary's report, or why there is none for this version any more. */
async function currentReport(target: ApiTarget, model: string, version: string): Promise<CanaryReport> {
  const report = await (callApi(target, canaryPath(model)) as Promise<CanaryReport>).catch(async (error: unknown) => {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    throw new RolloutStopped(whyGone((await readModel(target, model)).view, version));
  });
  if (report.canary.version !== version) throw new RolloutStopped(whyGone((await readModel(target, model)).view, version));
  if (report.guard.verdict.decision === 'roll-back') {
    throw new RolloutStopped(
      `the guard's verdict is roll-back (it withdraws the canary at its next pass): ${report.guard.verdict.reason}`,
    );
  }
  return report;
}

/** Waits out the bake time, looking at the canary every `pollMs`: a withdrawal or a bad verdict ends it at once. */
async function bake(target: ApiTarget, model: string, version: string, bakeMs: number, pollMs: number) {
  const end = Date.now() + bakeMs;
  let report = await currentReport(target, model, version);
  while (Date.now() < end) {
    await sleep(Math.min(pollMs, end - Date.now()));
    report = await currentReport(target, model, version);
  }
  return report;
}

interface RolloutOptions {
  reason?: string;
  steps: string;
  bake: string;
}

async function rollout(model: string, version: string, options: RolloutOptions, global: GlobalOptions): Promise<void> {
  modelArgument(model);
  versionArgument(version);
  const reason = options.reason?.trim();
  if (!reason) throw new UsageError('Say why with --reason "…": it is kept in the model\'s history and the audit trail.');
  const steps = parseSteps(options.steps);
  const bakeMs = parseDuration(options.bake);
  const target = await apiTarget(global);
  const say = (line: string) => (global.json ? undefined : console.log(line));
  const baked: CanaryReport[] = [];
  try {
    for (const [i, weight] of steps.entries()) {
      const { view, etag } = await readModel(target, model);
      const canary = view.aliases.canary;
      if (i > 0 && canary?.version !== version) throw new RolloutStopped(whyGone(view, version));
      if (i === 0 && canary && canary.version !== version)
        say(`(replaces canary ${canary.version} at ${canary.weight ?? '?'} %)`);
      // Conditional on what was just read: a guard's withdrawal in between is never overwritten by the next step.
      await put(
        target,
        model,
        'canary',
        { version, weight, reason: `${reason} (rollout step ${i + 1}/${steps.length}: ${weight} %)` },
        etag,
      );
      say(`step ${i + 1}/${steps.length}: canary ${version} at ${weight} %, baking ${options.bake}`);
      const report = await bake(target, model, version, bakeMs, Math.min(5_000, bakeMs));
      baked.push(report);
      say(
        `  ${report.canary.count} canary and ${report.production.count} production request(s); guard: ${report.guard.verdict.decision} (${report.guard.verdict.reason})`,
      );
    }
  } catch (error) {
    if (!(error instanceof RolloutStopped)) throw error;
    throw new Error(`rollout of ${model} ${version} stopped at step ${baked.length + 1}/${steps.length}: ${error.message}`, {
      cause: error,
    });
  }
  const { view, etag } = await readModel(target, model);
  if (view.aliases.canary?.version !== version)
    throw new Error(`rollout of ${model} ${version} stopped before promotion: ${whyGone(view, version)}`);
  // Production := the canary's version ends the canary in the same event (functions/serving/lifecycle.ts).
  const promoted = await put(target, model, 'production', { version, reason: `${reason} (rollout complete)` }, etag);
  emit(global.json, { model, version, steps: baked, promoted }, () => [
    `${model}: production is now ${version}; the canary is ended (vigie models show ${model} for the history)`,
  ]);
}

export function registerModelsRollout(models: Command): void {
  models
    .command('canary')
    .description("the canary's two arms compared, and the guard's verdict (GET /v1/models/{model}/canary)")
    .argument('<model>', 'the model name')
    .option('--from <time>', 'the window’s start, ISO 8601 (default: when the canary took its version, at most an hour ago)')
    .option('--to <time>', 'the window’s end, ISO 8601 (default: now)')
    .addHelpText(
      'after',
      `
Per arm (production, canary): requests, errors, rejected inputs, p95 latency, label shares or score quantiles,
from the prediction records. The guard withdraws the canary when, over at least 200 canary requests, its error
rate or p95 latency exceeds production's by the configured margin (GUARD_* settings).

Examples:
  vigie models canary iris
  vigie models canary iris --from 2026-12-01T00:00:00Z --json`,
    )
    .action((model: string, options: { from?: string; to?: string }, command: Command) =>
      showCanary(model, options, command.optsWithGlobals<GlobalOptions>()),
    );
  models
    .command('rollout')
    .description('take an approved version through canary steps with a bake time each, then promote it')
    .argument('<model>', 'the model name')
    .argument('<version>', 'an approved version')
    .requiredOption('--reason <text>', 'why: kept in the history of every step and the audit trail')
    .option('--steps <percents>', 'the canary weights, rising, in %', '5,25,50,100')
    .option('--bake <duration>', 'how long each step runs before the next (30s, 10m, 1h)', '10m')
    .addHelpText(
      'after',
      `
Each step moves the canary (PUT /v1/models/{model}/aliases/canary, conditional on the model as just read), then
watches it for the bake time. The rollout stops, exit code 1, saying why, when the guard withdraws the canary,
when its verdict is roll-back, or when someone else moves the canary; otherwise it ends by promoting the version
to production, which ends the canary. Needs a key with models:manage.

Examples:
  vigie models rollout iris 1.1.0 --reason "retrained on December's data"
  vigie models rollout digits 1.1.0 --steps 10,50,100 --bake 30m --reason "new training"`,
    )
    .action((model: string, version: string, options: RolloutOptions, command: Command) =>
      rollout(model, version, options, command.optsWithGlobals<GlobalOptions>()),
    );
}
