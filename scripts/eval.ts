/**
 * `npm run eval -- <model> [version]`: measures a model on its held-out data through the TypeScript serving path
 * (sharp + ONNX Runtime + post-processing for images; calibration + windowing + ONNX Runtime for time series), the
 * path production takes, and prints the figures. Without a version it measures the newest one, approved or not:
 * evaluating a candidate is how it gets reviewed.
 */
import { ModelRegistry } from '../functions/shared/registry';
import { evaluateAnomalyDetector } from './evaluation/anomaly';
import { evaluateClassifier, evaluateDetector } from './evaluation/evaluate';
import { heldOutIris, IRIS_FEATURES } from './evaluation/iris-dataset';
import { evaluateTabularClassifier } from './evaluation/tabular';
import { answerHelp } from './cli-usage';

const USAGE = `Usage: npm run eval -- <model> [version]
  Measures the model (newest version unless given) on its held-out data through the serving path.`;
answerHelp(USAGE);
const [name, requested] = process.argv.slice(2);
if (!name) {
  console.error(USAGE);
  process.exit(2);
}
const registry = new ModelRegistry('models');
const version = requested ?? (await registry.versions(name)).at(-1) ?? '';
const progress = (done: number, total: number) => {
  if (done % 50 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
};

async function evaluate(): Promise<Record<string, unknown>> {
  const model = await registry.inspect(name!, version);
  const { output } = model.metadata;
  console.log(`Evaluating ${model.metadata.name}@${model.metadata.version} through the serving path…`);
  if (output.kind === 'anomaly') return { ...(await evaluateAnomalyDetector(model)) };
  if (model.metadata.input.kind === 'tabular') {
    // Held-out rows are known for the shipped iris model; trained ones carry their own held-out metrics.
    if (name !== 'iris') throw new Error(`No held-out reader for the tabular model ${name}: see its metadata's metrics.`);
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
  return output.kind === 'detection'
    ? { ...(await evaluateDetector(model, progress)) }
    : { ...(await evaluateClassifier(model, progress)) };
}

const format = (value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : String(value));
for (const [key, value] of Object.entries(await evaluate())) {
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
