/**
 * `vigie eval <model> [version] [--record]`: measures a model on its held-out data through the TypeScript serving
 * path (sharp + ONNX Runtime + post-processing for images; the CSV path for tabular classifiers; calibration +
 * windowing + ONNX Runtime for time series), the path production takes, and prints the figures. Without a version
 * it measures the newest one, approved or not: evaluating a candidate is how it gets reviewed. For a digits model
 * (MNIST fit) it also measures the realistic set of photographed pages (issue #14), per condition, with the
 * calibration; `--record` writes those figures and the calibrated threshold into the version's metadata.json.
 * Then the independent set (issue #27: other glyphs, other renderer), per condition, with the uncertain flag's
 * rates and the confident mistakes on clean pages; it is only measured, never recorded nor calibrated on.
 * Runs here, on this machine's models/, not against a stage.
 */
import type { Command } from 'commander';
import { ModelRegistry, type ModelVersion } from '../../../functions/serving/registry';
import { evaluateAnomalyDetector } from '../../evaluation/anomaly';
import { evaluateRealistic, realisticReport } from '../../evaluation/digits-report';
import { independentFigures, runIndependent } from '../../evaluation/independent-eval';
import { evaluateClassifier, evaluateDetector } from '../../evaluation/evaluate';
import { heldOutIris, IRIS_FEATURES } from '../../evaluation/iris-dataset';
import { evaluateTabularClassifier } from '../../evaluation/tabular';
import { emit, formatFigure } from '../output';
import { evaluateAutoml, type AutomlEvalOptions } from './eval-automl';
import { progressBar, type Progress } from '../progress';
import { UsageError, type GlobalOptions } from '../target';

/** The held-out rows of a tabular classifier: known for the shipped iris model; trained ones carry their own metrics. */
async function evaluateTabular(model: ModelVersion) {
  if (model.metadata.name !== 'iris') {
    throw new UsageError(`No held-out reader for the tabular model ${model.metadata.name}: see its metadata's metrics.`);
  }
  const heldOut = heldOutIris();
  const rows = heldOut.map((row) => row.slice(0, 4) as number[]);
  return evaluateTabularClassifier(
    model,
    IRIS_FEATURES,
    rows,
    heldOut.map((row) => row[4]),
  );
}

async function evaluate(name: string, requested: string | undefined, record: boolean, global: GlobalOptions): Promise<void> {
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
    else if (model.metadata.input.kind === 'tabular') figures = { ...(await evaluateTabular(model)) };
    else if (output.kind === 'detection') figures = { ...(await evaluateDetector(model, progress)) };
    else figures = { ...(await evaluateClassifier(model, progress)) };
  } finally {
    bar?.stop();
  }
  emit(global.json, { model: name, version, figures }, () =>
    Object.entries(figures).flatMap(([key, value]) =>
      Array.isArray(value)
        ? [key, ...value.map((row) => `  ${(row as unknown[]).map(formatFigure).join('  ')}`)]
        : value && typeof value === 'object'
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
  const { input } = model.metadata;
  if (input.kind === 'image' && input.fit === 'mnist') {
    process.stderr.write('realistic set (photographed pages of the held-out digits)…\n');
    let pages: Progress | undefined;
    const realistic = await evaluateRealistic(model, record, (done, total) => {
      pages ??= progressBar('pages', total);
      pages.update(done);
    }).finally(() => pages?.stop());
    emit(global.json, { model: name, version, realistic: realistic.figures, threshold: realistic.threshold }, () => [
      '',
      ...realisticReport(realistic.figures, realistic.threshold),
      ...(record ? ['', `recorded in the metadata: metrics.realistic, output.uncertainBelow ${realistic.calibrated}`] : []),
    ]);
    process.stderr.write('independent set (handwriting fonts and MNIST tail glyphs, drawn as vector pages)…\n');
    let independentPages: Progress | undefined;
    const outcomes = await runIndependent(model, (done, total) => {
      independentPages ??= progressBar('pages', total);
      independentPages.update(done);
    }).finally(() => independentPages?.stop());
    const independent = independentFigures(outcomes, realistic.threshold);
    emit(global.json, { model: name, version, independent }, () => [
      '',
      ...realisticReport(independent, realistic.threshold, 'independent'),
      '',
      `clean pages (in focus, even light): ${independent.cleanPages}, confident mistakes on them: ${independent.confidentMistakesOnClean}`,
    ]);
  }
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("measure a model on its held-out data through the serving path (this machine's models/)")
    .argument('<model>', 'the model name')
    .argument('[version]', 'the version (default: the newest, approved or not)')
    .option('--record', 'digits: write the realistic-set figures and the calibrated uncertainty threshold into the metadata')
    .option('--tables <names>', "automl: the benchmark's tables to run, comma-separated (default: all)")
    .option('--time-budget <seconds>', "automl: each training's time budget (default 40)")
    .option('--out <dir>', 'automl: where the tables, splits and models are written (default /tmp/vigie-automl-benchmark)')
    .addHelpText(
      'after',
      '\n`vigie eval automl` runs the AutoML benchmark against scikit-learn (docs/automl.md) instead of measuring a model.\n' +
        '\nExamples:\n  vigie eval automl --tables iris,penguins\n  vigie eval digits\n  vigie eval digits 1.1.0 --record\n  vigie eval iris\n  vigie eval car-detector 1.0.0 --json > figures.json',
    )
    .action((name: string, version: string | undefined, options: { record?: boolean } & AutomlEvalOptions, command: Command) =>
      name === 'automl' && version === undefined
        ? evaluateAutoml(options, command.optsWithGlobals<GlobalOptions>())
        : evaluate(name, version, Boolean(options.record), command.optsWithGlobals<GlobalOptions>()),
    );
}
