/**
 * `vigie eval <model> [version]`: measures a model on its held-out data through the TypeScript serving path (sharp
 * + ONNX Runtime + post-processing for images; calibration + windowing + ONNX Runtime for time series), the path
 * production takes, and prints the figures. Without a version it measures the newest one, approved or not:
 * evaluating a candidate is how it gets reviewed. Runs here, on this machine's models/, not against a stage.
 */
import type { Command } from 'commander';
import { ModelRegistry } from '../../../functions/shared/registry';
import { evaluateAnomalyDetector } from '../../evaluation/anomaly';
import { evaluateClassifier, evaluateDetector } from '../../evaluation/evaluate';
import { emit, formatFigure } from '../output';
import { progressBar, type Progress } from '../progress';
import { UsageError, type GlobalOptions } from '../target';

async function evaluate(name: string, requested: string | undefined, global: GlobalOptions): Promise<void> {
  const registry = new ModelRegistry('models');
  const version = requested ?? (await registry.versions(name)).at(-1);
  if (!version) throw new UsageError(`No model '${name}' in models/.`);
  const model = await registry.inspect(name, version);
  const { output } = model.metadata;
  let bar: Progress | undefined;
  const progress = (done: number, total: number) => {
    bar ??= progressBar('inputs', total);
    bar.update(done);
  };
  if (!global.json) console.log(`Evaluating ${model.metadata.name}@${model.metadata.version} through the serving path…`);
  let figures: Record<string, unknown>;
  try {
    if (output.kind === 'anomaly') figures = { ...(await evaluateAnomalyDetector(model)) };
    else if (output.kind === 'detection') figures = { ...(await evaluateDetector(model, progress)) };
    else figures = { ...(await evaluateClassifier(model, progress)) };
  } finally {
    bar?.stop();
  }
  emit(global.json, { model: name, version, figures }, () =>
    Object.entries(figures).flatMap(([key, value]) =>
      value && typeof value === 'object'
        ? [
            key,
            ...Object.entries(value).map(
              ([part, inner]) =>
                `  ${part.padEnd(18)} ${Object.entries(inner as Record<string, unknown>)
                  .map(([k, v]) => `${k} ${formatFigure(v)}`)
                  .join('  ')}`,
            ),
          ]
        : [`${key.padEnd(26)} ${formatFigure(value)}`],
    ),
  );
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("measure a model on its held-out data through the serving path (this machine's models/)")
    .argument('<model>', 'the model name')
    .argument('[version]', 'the version (default: the newest, approved or not)')
    .addHelpText('after', '\nExamples:\n  vigie eval digits\n  vigie eval car-detector 1.0.0 --json > figures.json')
    .action((name: string, version: string | undefined, _options: unknown, command: Command) =>
      evaluate(name, version, command.optsWithGlobals<GlobalOptions>()),
    );
}
