/**
 * `npx tsx scripts/bench/preprocessing-alone.ts [version]`: the digits model's (b) and (b′) rows of `npm run bench`
 * without starting the platform: preprocessing alone on held-out MNIST pictures and on 12-megapixel phone photos
 * of pages, on one thread (libvips concurrency 1), p50 and p95. Quick to rerun after changing the preprocessing.
 */
import sharp from 'sharp';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/shared/preprocessing';
import { ModelRegistry } from '../../functions/shared/registry';
import { percentiles } from '../local/stats';
import { benchInputs, phonePhotos } from './inputs';
import { timeRuns } from './measure';

sharp.concurrency(1);
const registry = new ModelRegistry('models');
const [version] = process.argv.slice(2);
const model = version ? await registry.inspect('digits', version) : await registry.resolve('digits');
const spec = model.metadata.input;
const limits = { ...DEFAULT_DECODE_LIMITS, maxBytes: 6 * 1024 * 1024 };
const rows: Array<[string, Buffer[]]> = [['(b) MNIST-sized picture (28×28 PNG)', await benchInputs(model, 100)]];
if (spec.fit === 'mnist' && spec.page) rows.push(['(b′) 12-megapixel phone photo of a page', await phonePhotos(model, 20)]);
console.log(`digits@${model.metadata.version}, preprocessing alone, one libvips thread`);
for (const [name, inputs] of rows) {
  const run = await timeRuns(inputs.length * 2, 5, (i) => preprocessImage(inputs[i % inputs.length]!, spec, limits));
  const { p50, p95 } = percentiles(run.samples);
  console.log(`${name.padEnd(44)} p50 ${p50.toFixed(2)} ms  p95 ${p95.toFixed(2)} ms  (n=${run.samples.length})`);
}
