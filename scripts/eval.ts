/**
 * `npm run eval -- <model> [version] [--record]`: measures a model on its held-out data through the TypeScript
 * serving path (sharp + ONNX Runtime + post-processing), the path production takes, and prints the figures.
 * Without a version it measures the newest one, approved or not: evaluating a candidate is how it gets reviewed.
 * For a digits model (MNIST fit) it also measures the realistic set of photographed pages (issue #14), per
 * condition, with the calibration; `--record` writes those figures and the calibrated uncertainty threshold into
 * the version's metadata.json.
 */
import { ModelRegistry } from '../functions/shared/registry';
import { realisticReport, evaluateRealistic } from './evaluation/digits-report';
import { evaluateClassifier, evaluateDetector } from './evaluation/evaluate';

const args = process.argv.slice(2);
const record = args.includes('--record');
const [name, version] = args.filter((arg) => arg !== '--record');
if (!name) {
  console.error('Usage: npm run eval -- <model> [version] [--record]');
  process.exit(2);
}
const registry = new ModelRegistry('models');
const model = await registry.inspect(name, version ?? (await registry.versions(name)).at(-1) ?? '');
const progress = (done: number, total: number) => {
  if (done % 250 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
};
console.log(`Evaluating ${model.metadata.name}@${model.metadata.version} through the serving path…`);
const figures =
  model.metadata.output.kind === 'detection'
    ? await evaluateDetector(model, progress)
    : await evaluateClassifier(model, progress);
for (const [key, value] of Object.entries(figures)) {
  console.log(`${key.padEnd(20)} ${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : value}`);
}
if (model.metadata.input.fit === 'mnist') {
  process.stderr.write('realistic set (photographed pages of the held-out digits)…\n');
  const realistic = await evaluateRealistic(model, record, progress);
  console.log(['', ...realisticReport(realistic.figures, realistic.threshold)].join('\n'));
  if (record) console.log(`\nrecorded in the metadata: metrics.realistic, output.uncertainBelow ${realistic.calibrated}`);
}
