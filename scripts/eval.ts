/**
 * `npm run eval -- <model> [version] [--record]`: measures a model on its held-out data through the TypeScript
 * serving path (sharp + ONNX Runtime + post-processing for images; the CSV path for tabular classifiers;
 * calibration + windowing + ONNX Runtime for time series), the path production takes, and prints the figures.
 * Without a version it measures the newest one, approved or not: evaluating a candidate is how it gets reviewed.
 * For a digits model (MNIST fit) it also measures the realistic set of photographed pages (issue #14), per
 * condition, with the calibration; `--record` writes those figures and the calibrated uncertainty threshold into
 * the version's metadata.json.
 */
import { ModelRegistry, type ModelVersion } from '../functions/shared/registry';
import { answerHelp } from './cli-usage';
import { evaluateAnomalyDetector } from './evaluation/anomaly';
import { realisticReport, evaluateRealistic } from './evaluation/digits-report';
import { evaluateClassifier, evaluateDetector } from './evaluation/evaluate';
import { heldOutIris, IRIS_FEATURES } from './evaluation/iris-dataset';
import { evaluateTabularClassifier } from './evaluation/tabular';

const USAGE = `Usage: npm run eval -- <model> [version] [--record]
  Measures the model (newest version unless given) on its held-out data through the serving path.
  --record  (digits) writes the realistic-set figures and the calibrated uncertainty threshold into the metadata.`;
answerHelp(USAGE);
const args = process.argv.slice(2);
const record = args.includes('--record');
const [name, requested] = args.filter((arg) => arg !== '--record');
if (!name) {
  console.error(USAGE);
  process.exit(2);
}
const registry = new ModelRegistry('models');
const model = await registry.inspect(name, requested ?? (await registry.versions(name)).at(-1) ?? '');
const progress = (done: number, total: number) => {
  if (done % 250 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
};

async function evaluate({ metadata }: ModelVersion): Promise<Record<string, unknown>> {
  if (metadata.output.kind === 'anomaly') return { ...(await evaluateAnomalyDetector(model)) };
  if (metadata.input.kind === 'tabular') {
    // Held-out rows are known for the shipped iris model; trained ones carry their own held-out metrics.
    if (metadata.name !== 'iris')
      throw new Error(`No held-out reader for the tabular model ${metadata.name}: see its metadata's metrics.`);
    const heldOut = heldOutIris();
    const rows = heldOut.map((row) => row.slice(0, 4) as number[]);
    return {
      ...(await evaluateTabularClassifier(
        model,
        IRIS_FEATURES,
        rows,
        heldOut.map((row) => row[4]),
      )),
    };
  }
  return metadata.output.kind === 'detection'
    ? { ...(await evaluateDetector(model, progress)) }
    : { ...(await evaluateClassifier(model, progress)) };
}

console.log(`Evaluating ${model.metadata.name}@${model.metadata.version} through the serving path…`);
const format = (value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : String(value));
for (const [key, value] of Object.entries(await evaluate(model))) {
  if (Array.isArray(value)) {
    // A matrix (confusion): one line per row.
    console.log(key);
    for (const row of value) console.log(`  ${(row as unknown[]).map(format).join('  ')}`);
  } else if (value && typeof value === 'object') {
    console.log(key);
    for (const [part, figures] of Object.entries(value)) {
      const line = Object.entries(figures as Record<string, unknown>).map(([k, v]) => `${k} ${format(v)}`);
      console.log(`  ${part.padEnd(18)} ${line.join('  ')}`);
    }
  } else console.log(`${key.padEnd(26)} ${format(value)}`);
}
if (model.metadata.input.kind === 'image' && model.metadata.input.fit === 'mnist') {
  process.stderr.write('realistic set (photographed pages of the held-out digits)…\n');
  const realistic = await evaluateRealistic(model, record, progress);
  console.log(['', ...realisticReport(realistic.figures, realistic.threshold)].join('\n'));
  if (record) console.log(`\nrecorded in the metadata: metrics.realistic, output.uncertainBelow ${realistic.calibrated}`);
}
