/**
 * `vigie eval <model> [version] [--record]`: measures a model on its held-out data through the TypeScript serving
 * path (sharp + ONNX Runtime + post-processing for images; the CSV path for tabular classifiers; calibration +
 * windowing + ONNX Runtime for time series), the path production takes, and prints the figures. Without a version
 * it measures the newest one, approved or not: evaluating a candidate is how it gets reviewed. For a digits model
 * (MNIST fit) it also measures the realistic set of photographed pages (issue #14), per condition, with the
 * calibration; `--record` writes those figures and the calibrated threshold into the version's metadata.json.
 * Then the independent generator's development set and its frozen independent set (issue #27: other glyphs, other
 * renderer), per condition, with the uncertain flag's rates and the confident mistakes on clean pages; they are
 * only measured, never recorded nor calibrated on.
 * `--against <version>` (digits) runs both versions on the realistic, development, stress (small faint digits, large
 * thick ones, a hand's shadow) and independent sets instead and prints, per set, each one's accuracy and the
 * answers that changed: how a candidate is chosen (on all but the frozen independent set);
 * for a detector, both versions on its validation frames, their per-IoU AP, means, precision, recall and times side
 * by side.
 * Runs here, on this machine's models/, not against a stage. The evaluation code (eval-run.ts, eval-automl.ts) is
 * loaded when the command runs: every other command starts without it.
 */
import type { Command } from 'commander';
import type { AutomlEvalOptions } from './eval-automl';
import type { GlobalOptions } from '../target';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("measure a model on its held-out data through the serving path (this machine's models/)")
    .argument('<model>', 'the model name')
    .argument('[version]', 'the version (default: the newest, approved or not)')
    .option('--record', 'digits: write the realistic-set figures and the calibrated uncertainty threshold into the metadata')
    .option(
      '--against <version>',
      'digits: the answers that changed from that version, on the realistic, development, stress and independent sets; a detector: both side by side',
    )
    .option('--tables <names>', "automl: the benchmark's tables to run, comma-separated (default: all)")
    .option('--time-budget <seconds>', "automl: each training's time budget (default 40)")
    .option('--out <dir>', 'automl: where the tables, splits and models are written (default /tmp/vigie-automl-benchmark)')
    .addHelpText(
      'after',
      '\n`vigie eval automl` runs the AutoML benchmark against scikit-learn (docs/automl.md) instead of measuring a model.\n' +
        '\nExamples:\n  vigie eval automl --tables iris,penguins\n  vigie eval digits\n  vigie eval digits 1.1.0 --record\n  vigie eval digits 1.9.0 --against 1.8.0\n  vigie eval iris\n  vigie eval car-detector 1.0.0 --json > figures.json\n  vigie eval car-detector 1.2.0 --against 1.1.0',
    )
    .action(
      (
        name: string,
        version: string | undefined,
        options: { record?: boolean; against?: string } & AutomlEvalOptions,
        command: Command,
      ) =>
        name === 'automl' && version === undefined
          ? import('./eval-automl').then(({ evaluateAutoml }) =>
              evaluateAutoml(options, command.optsWithGlobals<GlobalOptions>()),
            )
          : options.against !== undefined
            ? import('./eval-compare').then(({ compare }) =>
                compare(name, version, options, command.optsWithGlobals<GlobalOptions>()),
              )
            : import('./eval-run').then(({ evaluate }) =>
                evaluate(name, version, Boolean(options.record), command.optsWithGlobals<GlobalOptions>()),
              ),
    );
}
