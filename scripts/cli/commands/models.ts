/**
 * `vigie models list|show|approve`: the registry as the API serves it (versions, approval, the served one), and a
 * person's review of a version, written into the repository's models/ folder as `npm run governance -- approve`
 * did (a deployed stage serves what the next deploy packages).
 */
import type { Command } from 'commander';
import { recordApproval } from '../../governance/approve';
import { writeGovernanceFiles } from '../../governance/generated-files';
import { callApi } from '../api';
import { modelArgument } from '../model-argument';
import { emit, formatFigure } from '../output';
import type { ModelMetadata } from '../../../functions/serving/model-spec';
import { apiTarget, UsageError, type GlobalOptions } from '../target';
import { registerModelsImport } from './models-import';

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

/** Each metric set's own figures; nested breakdowns (per class, per file, matrices) are in --json. */
function describeMetrics(metrics: Record<string, unknown>): string[] {
  return Object.entries(metrics).map(([set, figures]) => {
    const flat = Object.entries(typeof figures === 'object' && figures !== null ? figures : { value: figures })
      .filter(([, value]) => typeof value === 'number')
      .map(([name, value]) => `${name} ${formatFigure(value)}`);
    return `      metrics ${set}: ${flat.join(', ') || '(see --json)'}`;
  });
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
    `${name}: served ${body.servedVersion ?? 'none'}, latest ${body.latestVersion ?? '-'}`,
    ...body.versions.flatMap(describeVersion),
  ]);
}

interface ApproveOptions {
  approver?: string;
  status: string;
  notes?: string;
}

async function approve(model: string, version: string, options: ApproveOptions, global: GlobalOptions): Promise<void> {
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

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('the model registry: list, show, approve a version')
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
    .description(
      "record a person's review of a version in models/<model>/<version>/metadata.json, then regenerate the model cards",
    )
    .argument('<model>', 'the model name')
    .argument('<version>', 'the version reviewed')
    .option('--approver <who>', 'the reviewer, "name, role"')
    .option('--status <status>', 'approved, rejected, retired or pending', 'approved')
    .option('--notes <text>', 'why')
    .addHelpText(
      'after',
      '\nOnly approved versions are served; the local platform reads models/ as it starts.\n\nExample:\n  vigie models approve digits 1.0.0 --approver "A. Martin, ML lead" --notes "held-out accuracy 0.99"',
    )
    .action((model: string, version: string, options: ApproveOptions, command: Command) =>
      approve(model, version, options, command.optsWithGlobals<GlobalOptions>()),
    );
  registerModelsImport(models);
}
