/**
 * What `vigie eval <model>` runs (scripts/cli/commands/eval.ts declares the command): the evaluation code, loaded
 * only when a model is evaluated, so the other commands do not load sharp, ONNX Runtime and the set generators.
 */
import { ModelRegistry, type ModelVersion } from '../../../functions/serving/registry';
import { evaluateAnomalyDetector } from '../../evaluation/anomaly';
import { evaluateRealistic, realisticReport } from '../../evaluation/digits-report';
import { independentFigures, runIndependent } from '../../evaluation/independent-eval';
import { INDEPENDENT_DEVELOPMENT_SET, INDEPENDENT_SET } from '../../evaluation/independent/set';
import { evaluateClassifier, evaluateDetector } from '../../evaluation/evaluate';
import { heldOutIris, IRIS_FEATURES } from '../../evaluation/iris-dataset';
import { evaluateTabularClassifier } from '../../evaluation/tabular';
import { emit, formatFigure } from '../output';
import { progressBar, type Progress } from '../progress';
import { UsageError, type GlobalOptions } from '../target';

/**
 * The digits sets drawn by the independent generator, in the order they are printed: the JSON key, the set, its
 * title, and where its MNIST glyphs come from.
 */
const INDEPENDENT_SETS = [
  [
    'development',
    INDEPENDENT_DEVELOPMENT_SET,
    'development set (fonts and training-split MNIST glyphs on vector pages: choose on it)',
    'training-split glyphs',
  ],
  [
    'independent',
    INDEPENDENT_SET,
    'independent set (fonts and held-out MNIST glyphs on vector pages: frozen, to check, never to choose)',
    'held-out digits',
  ],
] as const;

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

export async function evaluate(
  name: string,
  requested: string | undefined,
  record: boolean,
  global: GlobalOptions,
): Promise<void> {
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
    // The development set (the same generator, another seed) is printed first: settings are chosen on it and on
    // the realistic set; the frozen independent set is printed last, to check, never to choose (issue #27).
    for (const [key, set, title, digits] of INDEPENDENT_SETS) {
      process.stderr.write(`${title}…\n`);
      let independentPages: Progress | undefined;
      const outcomes = await runIndependent(
        realistic.recorded,
        (done, total) => {
          independentPages ??= progressBar('pages', total);
          independentPages.update(done);
        },
        set,
      ).finally(() => independentPages?.stop());
      const figures = independentFigures(outcomes, realistic.threshold);
      emit(global.json, { model: name, version, [key]: figures }, () => [
        '',
        ...realisticReport(figures, realistic.threshold, key, digits),
        '',
        `clean pages (in focus, even light): ${figures.cleanPages}, confident mistakes on them: ${figures.confidentMistakesOnClean}`,
      ]);
    }
  }
}
