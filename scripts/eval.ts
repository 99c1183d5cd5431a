/**
 * `npm run eval -- <model> [version]`: measures a model on its held-out data through the TypeScript serving path
 * (sharp + ONNX Runtime + post-processing for images; calibration + windowing + ONNX Runtime for time series), the
 * path production takes, and prints the figures. Without a version it measures the newest one, approved or not:
 * evaluating a candidate is how it gets reviewed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelRegistry } from '../functions/shared/registry';
import { evaluateAnomalyDetector, readAnomalyPackage } from './evaluation/anomaly';
import { evaluateClassifier, evaluateDetector } from './evaluation/evaluate';

const MODELS_DIR = 'models';
const [name, requested] = process.argv.slice(2);
if (!name) {
  console.error('Usage: npm run eval -- <model> [version]');
  process.exit(2);
}
const registry = new ModelRegistry(MODELS_DIR);
const version = requested ?? (await registry.versions(name)).at(-1) ?? '';
const progress = (done: number, total: number) => {
  if (done % 50 === 0 || done === total) process.stderr.write(`  ${done}/${total}\n`);
};

/** The output kind, read before the registry: its schema does not know tabular packages yet (tabular branch). */
async function outputKind(): Promise<string | undefined> {
  const path = join(MODELS_DIR, name!, version, 'metadata.json');
  const raw = await readFile(path, 'utf8').catch(() => undefined);
  return raw === undefined ? undefined : (JSON.parse(raw) as { output?: { kind?: string } }).output?.kind;
}

async function evaluate(): Promise<Record<string, unknown>> {
  if ((await outputKind()) === 'anomaly') {
    console.log(`Evaluating ${name}@${version} through the serving path (time-series calibration, windows, ONNX Runtime)…`);
    return { ...(await evaluateAnomalyDetector(await readAnomalyPackage(MODELS_DIR, name!, version))) };
  }
  const model = await registry.inspect(name!, version);
  console.log(`Evaluating ${model.metadata.name}@${model.metadata.version} through the serving path…`);
  return model.metadata.output.kind === 'detection'
    ? { ...(await evaluateDetector(model, progress)) }
    : { ...(await evaluateClassifier(model, progress)) };
}

const format = (value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(4) : String(value));
for (const [key, value] of Object.entries(await evaluate())) {
  if (value && typeof value === 'object') {
    console.log(key);
    for (const [part, figures] of Object.entries(value)) {
      const line = Object.entries(figures as Record<string, unknown>).map(([k, v]) => `${k} ${format(v)}`);
      console.log(`  ${part.padEnd(18)} ${line.join('  ')}`);
    }
  } else console.log(`${key.padEnd(26)} ${format(value)}`);
}
