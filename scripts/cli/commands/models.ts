/**
 * `vigie models list|show|approve|reject`: the registry as the API serves it (versions, approval, the served one),
 * and a person's review of a version: a shipped one (in the repository's models/ folder) written there as
 * `npm run governance -- approve` did (a deployed stage serves what the next deploy packages); a trained or
 * imported one (in the stage's models bucket) through the approval route, served at once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { recordApproval } from '../../governance/approve';
import { writeGovernanceFiles } from '../../governance/generated-files';
import { callApi } from '../api';
import { modelArgument, versionArgument } from '../model-argument';
import { describeMetrics, emit } from '../output';
import type { ModelMetadata } from '../../../functions/serving/model-spec';
import { apiTarget, UsageError, type GlobalOptions } from '../target';
import { registerModelsImport } from './models-import';
import { registerModelsLifecycle } from './models-lifecycle';
import { registerModelsShadow } from './models-shadow';
import { registerModelsRollout } from './models-rollout';

interface ModelSummary {
  name: string;
  latestVersion?: string;
  servedVersion?: string;
  task?: string;
}

interface VersionDescription extends Partial<Pick<ModelMetadata, 'input' | 'output' | 'metrics'>> {
  version: string;
  task?: string;
  description?: string;
  governance?: { approval?: { status?: string } };
}

interface ModelDescription extends ModelSummary {
  versions: VersionDescription[];
  aliases?: Record<string, { version: string; weight?: number }>;
  aliasHistory?: Array<{
    seq: number;
    action: string;
    alias: string;
    from?: string;
    to: string;
    actor: string;
    reason: string;
    at: string;
  }>;
  disabled?: boolean;
}

/** Labels beyond these are left to --json: a trained classifier may have hundreds. */
const SHOWN_LABELS = 12;

/** What a version takes: a picture's tensor and fit, or its features in tensor order with their units. */
function describeInput(input: ModelMetadata['input']): string {
  if (input.kind === 'image') return `image ${input.channels}×${input.height}×${input.width}, ${input.fit} fit`;
  const features = input.features.map((feature) => (feature.unit ? `${feature.name} (${feature.unit})` : feature.name));
  return `${input.features.length} feature(s): ${features.join(', ')}${input.window ? `; windows of ${input.window.rows} rows` : ''}`;
}

function describeOutput(output: ModelMetadata['output']): string {
  if (!('labels' in output)) return output.kind;
  const shown = output.labels.slice(0, SHOWN_LABELS).join(', ');
  return `${output.kind}: ${shown}${output.labels.length > SHOWN_LABELS ? `, … (${output.labels.length} labels)` : ''}`;
}

/** A version in a few lines: its approval and purpose, then its spec and its metrics. */
function describeVersion(version: VersionDescription): string[] {
  return [
    `  ${version.version.padEnd(12)} ${String(version.governance?.approval?.status ?? 'unreviewed').padEnd(10)} ${version.description ?? version.task ?? ''}`,
    ...(version.input ? [`      input   ${describeInput(version.input)}`] : []),
    ...(version.output ? [`      output  ${describeOutput(version.output)}`] : []),
    ...describeMetrics(version.metrics ?? {}),
  ];
}

async function list(global: GlobalOptions): Promise<void> {
  const body = (await callApi(await apiTarget(global), '/v1/models')) as { models: ModelSummary[] };
  emit(global.json, body, () =>
    body.models.map(
      (model) =>
        `${model.name.padEnd(18)} served ${String(model.servedVersion ?? 'none').padEnd(12)} latest ${model.latestVersion ?? '-'}`,
    ),
  );
}

async function show(name: string, global: GlobalOptions): Promise<void> {
  const path = `/v1/models/${modelArgument(name)}`;
  const body = (await callApi(await apiTarget(global), path)) as ModelDescription;
  emit(global.json, body, () => [
    `${name}: served ${body.servedVersion ?? 'none'}, latest ${body.latestVersion ?? '-'}${body.disabled ? ', DISABLED' : ''}`,
    ...body.versions.flatMap(describeVersion),
    ...Object.entries(body.aliases ?? {}).map(
      ([alias, target]) => `  alias ${alias} → ${target.version}${target.weight !== undefined ? ` (${target.weight} %)` : ''}`,
    ),
    ...(body.aliasHistory ?? []).map(
      (move) =>
        `  #${move.seq} ${move.at} ${move.action} ${move.alias} ${move.from ?? '(none)'} → ${move.to} by ${move.actor}: ${move.reason}`,
    ),
  ]);
}

interface DecideOptions {
  approver?: string;
  status?: string;
  notes?: string;
}

/** A version reviewed in the repository (shipped in the models layer), as opposed to one trained or imported at run time. */
const inRepository = (model: string, version: string) => existsSync(join('models', model, version, 'metadata.json'));

/** A shipped version's review, written into the repository (served from the next deploy or `vigie start`). */
async function recordInRepository(model: string, version: string, options: DecideOptions, global: GlobalOptions): Promise<void> {
  let approval;
  try {
    approval = recordApproval({ model, version, ...options });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const written = await writeGovernanceFiles();
  emit(global.json, { model, version, approval, written }, () => [
    `${model} ${version}: ${approval.status} by ${approval.approver} on ${approval.date}`,
    ...written.map((path) => `wrote ${path}`),
  ]);
}

/**
 * A decision on a trained or imported version, which lives in the stage's models bucket: through the approval
 * route (permission models:approve), which writes it into the version's metadata and card, audited, and serves
 * an approved version at once. Such a version is decided once: approved or rejected, nothing else.
 */
async function decideThroughApi(model: string, version: string, options: DecideOptions, global: GlobalOptions): Promise<void> {
  const decision = options.status ?? 'approved';
  if (decision !== 'approved' && decision !== 'rejected') {
    throw new UsageError(
      `${model} ${version} is not in models/: a trained or imported version is approved or rejected, not ${decision}.`,
    );
  }
  const approver = options.approver?.trim();
  if (!approver)
    throw new UsageError('Say who decides with --approver "<name, role>": it is written into the version and its card.');
  const answer = (await callApi(await apiTarget(global), `/v1/models/${model}/versions/${version}/approval`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ decision, approver, ...(options.notes && { notes: options.notes }) }),
  })) as { model: string; version: string; approval: { status: string; approver: string; date: string } };
  emit(global.json, answer, () => [
    `${answer.model} ${answer.version}: ${answer.approval.status} by ${answer.approval.approver} on ${answer.approval.date}`,
    ...(decision === 'approved' ? [`Served now: vigie predict <file> --model ${model}`] : []),
  ]);
}

async function decide(model: string, version: string, options: DecideOptions, global: GlobalOptions): Promise<void> {
  modelArgument(model);
  versionArgument(version);
  await (inRepository(model, version) ? recordInRepository : decideThroughApi)(model, version, options, global);
}

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('the model registry: list, show, approve or reject a version; aliases, rollback, kill switch, replay')
    .addHelpText(
      'after',
      '\nExamples:\n  vigie models list\n  vigie models show digits --json\n  vigie models approve iris 1.0.0 --approver "A. Martin, ML lead"',
    );
  models
    .command('list')
    .description('every model with its served and latest version (GET /v1/models)')
    .addHelpText('after', '\nExample:\n  vigie models list --stage prod --api-key vk_…')
    .action((_options: unknown, command: Command) => list(command.optsWithGlobals<GlobalOptions>()));
  models
    .command('show')
    .description("one model's versions with their approval, spec and metrics (GET /v1/models/{model})")
    .argument('<model>', 'the model name')
    .addHelpText('after', '\nExample:\n  vigie models show car-detector --json')
    .action((name: string, _options: unknown, command: Command) => show(name, command.optsWithGlobals<GlobalOptions>()));
  models
    .command('approve')
    .description("record a person's approval of a version: shipped ones in models/, trained or imported ones through the API")
    .argument('<model>', 'the model name')
    .argument('<version>', 'the version reviewed')
    .option('--approver <who>', 'the reviewer, "name, role"')
    .option('--status <status>', 'approved, rejected, retired or pending (trained versions: approved or rejected)', 'approved')
    .option('--notes <text>', 'why')
    .addHelpText(
      'after',
      `
Only approved versions are served. A version in models/<model>/<version>/ is reviewed in the repository (the
local platform reads models/ as it starts); any other (trained from a CSV, imported) is decided once through
POST /v1/models/{model}/versions/{version}/approval, with a key holding models:approve, and served at once.

Examples:
  vigie models approve digits 1.0.0 --approver "A. Martin, ML lead" --notes "held-out accuracy 0.99"
  vigie models approve penguins 1.0.0 --approver "Jane Reviewer, data lead" --notes "held-out accuracy reviewed"`,
    )
    .action((model: string, version: string, options: DecideOptions, command: Command) =>
      decide(model, version, options, command.optsWithGlobals<GlobalOptions>()),
    );
  models
    .command('reject')
    .description("record a person's rejection of a version (vigie models approve --status rejected): it is never served")
    .argument('<model>', 'the model name')
    .argument('<version>', 'the version reviewed')
    .option('--approver <who>', 'the reviewer, "name, role"')
    .option('--notes <text>', 'why')
    .addHelpText(
      'after',
      '\nExample:\n  vigie models reject penguins 1.1.0 --approver "Jane Reviewer, data lead" --notes "trained on last year\'s export"',
    )
    .action((model: string, version: string, options: DecideOptions, command: Command) =>
      decide(model, version, { ...options, status: 'rejected' }, command.optsWithGlobals<GlobalOptions>()),
    );
  registerModelsImport(models);
  registerModelsLifecycle(models);
  registerModelsShadow(models);
  registerModelsRollout(models);
}
