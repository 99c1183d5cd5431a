/**
 * `vigie models alias|promote|rollback|disable|enable|replay`: changing what a model serves through the lifecycle routes
 * (functions/lifecycle, permission models:manage). Each change needs a reason, which goes into the model's history
 * and the audit trail; `vigie models show` prints the aliases and that history.
 */
import type { Command } from 'commander';
import { MODEL_NAME, quoteName } from '../../../functions/platform/model-name';
import { callApi, callApiFor } from '../api';
import { modelArgument, versionArgument } from '../model-argument';
import { emit } from '../output';
import { apiTarget, UsageError, type GlobalOptions } from '../target';

interface ReasonOptions {
  reason?: string;
}

interface Change {
  model: string;
  change: { seq: number; action: string; alias?: string; from?: string; to?: string; weight?: number; at: string };
  aliases: Record<string, { version: string; weight?: number }>;
  disabled: boolean;
}

function reasonOf(options: ReasonOptions): string {
  const reason = options.reason?.trim();
  if (!reason) throw new UsageError('Say why with --reason "…": it is kept in the model\'s history and the audit trail.');
  return reason;
}

function aliasArgument(alias: string): string {
  if (!MODEL_NAME.test(alias)) {
    throw new UsageError(`'${quoteName(alias)}' is not an alias name (lowercase letters, digits and hyphens).`);
  }
  return alias;
}

function weightOption(weight: string | undefined): number | undefined {
  if (weight === undefined) return undefined;
  if (!/^\d{1,3}$/.test(weight) || Number(weight) < 1 || Number(weight) > 100) {
    throw new UsageError(`--weight takes a whole percentage from 1 to 100, not '${quoteName(weight)}'.`);
  }
  return Number(weight);
}

/** The change in a line, then where the aliases stand. */
function printed(answer: Change): string[] {
  const { change } = answer;
  const what =
    change.action === 'move' || change.action === 'rollback'
      ? `${change.alias} ${change.from ?? '(none)'} → ${change.to}${change.weight !== undefined ? ` at ${change.weight} %` : ''}`
      : change.action === 'disable'
        ? 'disabled: every path answers 503 model-disabled'
        : 'enabled: served again';
  const aliases = Object.entries(answer.aliases).map(
    ([alias, target]) => `  ${alias.padEnd(12)} ${target.version}${target.weight !== undefined ? ` (${target.weight} %)` : ''}`,
  );
  return [`${answer.model} #${change.seq} ${change.action}: ${what}`, ...aliases];
}

async function change(global: GlobalOptions, path: string, method: string, body: unknown, ifMatch?: string) {
  const answer = (await callApi(await apiTarget(global), path, {
    method,
    headers: { 'content-type': 'application/json', ...(ifMatch && { 'if-match': ifMatch }) },
    body: JSON.stringify(body),
  })) as Change;
  emit(global.json, answer, () => printed(answer));
}

/**
 * Production := the canary's version, conditional on the model as it was read: if someone moves an alias in
 * between, the promotion is refused (409) rather than promoting a version nobody looked at.
 */
async function promote(model: string, options: ReasonOptions, global: GlobalOptions): Promise<void> {
  const reason = options.reason?.trim() || 'promoted from canary';
  const { body, headers } = await callApiFor(await apiTarget(global), `/v1/models/${modelArgument(model)}`);
  const canary = (body as { aliases?: Record<string, { version: string }> }).aliases?.canary;
  if (!canary)
    throw new UsageError(
      `'${model}' has no canary to promote: vigie models alias ${model} canary <version> --weight 10 --reason "…"`,
    );
  await change(
    global,
    `/v1/models/${model}/aliases/production`,
    'PUT',
    { version: canary.version, reason },
    headers.get('etag') ?? undefined,
  );
}

interface ReplayAnswer {
  model: string;
  replayed: number;
  uploads: Array<{ predictionId: string; from: string; status?: string }>;
  alreadyEnded: string[];
  remaining: number;
}

/**
 * Replays until nothing is left: each call runs what it can within its time and says how many remain. What every
 * call ran is printed (or, with --json, the calls' answers merged).
 */
async function replay(model: string, options: ReasonOptions, global: GlobalOptions): Promise<void> {
  const name = modelArgument(model);
  const reason = reasonOf(options);
  const target = await apiTarget(global);
  const total: ReplayAnswer = { model, replayed: 0, uploads: [], alreadyEnded: [], remaining: 0 };
  for (;;) {
    const answer = (await callApi(target, `/v1/models/${name}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason }),
    })) as ReplayAnswer;
    total.replayed += answer.replayed;
    total.uploads.push(...answer.uploads);
    total.alreadyEnded.push(...answer.alreadyEnded);
    total.remaining = answer.remaining;
    // A call that ran nothing while some remain: another replay holds them; say so rather than loop.
    if (answer.remaining === 0 || answer.replayed + answer.alreadyEnded.length === 0) break;
  }
  emit(global.json, total, () => [
    `${model}: ${total.replayed} upload(s) run again${total.remaining > 0 ? `, ${total.remaining} held by another replay (try again in 90 s)` : ''}`,
    ...total.uploads.map((upload) => `  ${upload.predictionId}  ${upload.from.padEnd(11)} ${upload.status ?? ''}`),
  ]);
}

export function registerModelsLifecycle(models: Command): void {
  models
    .command('alias')
    .description('point an alias (production, canary, any name) at an approved version (PUT /v1/models/{model}/aliases/{alias})')
    .argument('<model>', 'the model name')
    .argument('<alias>', 'production, canary or any name of lowercase letters, digits and hyphens')
    .argument('<version>', 'an approved version')
    .requiredOption('--reason <text>', 'why: kept in the history and the audit trail')
    .option('--weight <percent>', 'canary: the share of default traffic it takes, 1 to 99')
    .addHelpText(
      'after',
      `
Predictions without ?alias= or ?version= go to production (the newest approved version while it has no alias),
and to the canary for its weight. Needs a key with models:manage. Two moves at once: one is refused (409).

Examples:
  vigie models alias digits canary 1.1.0 --weight 10 --reason "new training, held-out accuracy 0.99"
  vigie models alias digits production 1.0.0 --reason "incident INC-12"`,
    )
    .action((model: string, alias: string, version: string, options: ReasonOptions & { weight?: string }, command: Command) =>
      change(
        command.optsWithGlobals<GlobalOptions>(),
        `/v1/models/${modelArgument(model)}/aliases/${aliasArgument(alias)}`,
        'PUT',
        {
          version: versionArgument(version),
          ...(options.weight !== undefined && { weight: weightOption(options.weight) }),
          reason: reasonOf(options),
        },
      ),
    );
  models
    .command('promote')
    .description("production := the canary's version, which ends the canary (refused if the model changed since it was read)")
    .argument('<model>', 'the model name')
    .option('--reason <text>', 'why', 'promoted from canary')
    .addHelpText('after', '\nExample:\n  vigie models promote digits --reason "canary at 25 % for a day, same error rate"')
    .action((model: string, options: ReasonOptions, command: Command) =>
      promote(model, options, command.optsWithGlobals<GlobalOptions>()),
    );
  models
    .command('replay')
    .description(
      'run again, exactly once each, the uploads held while the model was disabled and the dead-lettered ones (POST /v1/models/{model}/replay)',
    )
    .argument('<model>', 'the model name')
    .requiredOption('--reason <text>', 'why: kept in the audit trail')
    .addHelpText(
      'after',
      `
After \`vigie models enable\`. An upload whose record says how it ended is never run again: a second replay runs
nothing. Prints each upload's prediction id and the status its record has now. Needs a key with models:manage.

Example:
  vigie models replay digits --reason "INC-12 closed: uploads held since 10:02"`,
    )
    .action((model: string, options: ReasonOptions, command: Command) =>
      replay(model, options, command.optsWithGlobals<GlobalOptions>()),
    );
  for (const [action, description, example] of [
    [
      'rollback',
      'put production back on the version it had before, from the history',
      'vigie models rollback digits --reason "INC-12: misreads sevens"',
    ],
    [
      'disable',
      'kill switch: every path answers 503 model-disabled; uploads are held as failed',
      'vigie models disable digits --reason "INC-12"',
    ],
    ['enable', 'turn the kill switch off: the model answers again', 'vigie models enable digits --reason "INC-12 closed"'],
  ] as const) {
    models
      .command(action)
      .description(`${description} (POST /v1/models/{model}/${action})`)
      .argument('<model>', 'the model name')
      .requiredOption('--reason <text>', 'why: kept in the history and the audit trail')
      .addHelpText('after', `\nNeeds a key with models:manage.\n\nExample:\n  ${example}`)
      .action((model: string, options: ReasonOptions, command: Command) =>
        change(command.optsWithGlobals<GlobalOptions>(), `/v1/models/${modelArgument(model)}/${action}`, 'POST', {
          reason: reasonOf(options),
        }),
      );
  }
}
