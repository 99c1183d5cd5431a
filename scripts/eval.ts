/**
 * `npm run eval -- <model> [version]`: measures a model on its held-out data through the TypeScript serving path
 * (sharp + ONNX Runtime + post-processing), the path production takes, and prints the figures. Without a version
 * it measures the newest one, approved or not: evaluating a candidate is how it gets reviewed.
 */
import { ModelRegistry } from '../functions/shared/registry';
import { evaluateClassifier, evaluateDetector } from './evaluation/evaluate';
import { answerHelp } from './cli-usage';

const USAGE = `Usage: npm run eval -- <model> [version]
  Measures the model (newest version unless given) on its held-out data through the serving path.`;
answerHelp(USAGE);
const [name, version] = process.argv.slice(2);
if (!name) {
  console.error(USAGE);
  process.exit(2);
}
const registry = new ModelRegistry('models');
const model = await registry.inspect(name, version ?? (await registry.versions(name)).at(-1) ?? '');
const progress = (done: number, total: number) => {
  if (done % 50 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
};
console.log(`Evaluating ${model.metadata.name}@${model.metadata.version} through the serving path…`);
const figures =
  model.metadata.output.kind === 'detection'
    ? await evaluateDetector(model, progress)
    : await evaluateClassifier(model, progress);
for (const [key, value] of Object.entries(figures)) {
  console.log(`${key.padEnd(20)} ${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : value}`);
}
