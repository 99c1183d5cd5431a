/**
 * `npx tsx scripts/bench/preprocessing-alone.ts [version]`: the digits model's (b) and (b′) rows of `npm run bench`
 * without starting the platform: preprocessing alone on held-out MNIST pictures and on 12-megapixel phone photos
 * of pages, on one thread (libvips concurrency 1), p50 and p95. Quick to rerun after changing the preprocessing.
 */
import sharp from 'sharp';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { decodeValue } from '../../functions/serving/preprocessing/decode';
import { imageInputOf } from '../../functions/serving/model-spec';
import { ModelRegistry } from '../../functions/serving/registry';
import { percentiles } from './stats';
import { benchInputs, phonePhotos } from './inputs';
import { timeRuns } from './measure';

sharp.concurrency(1);
const registry = new ModelRegistry('models');
const [version] = process.argv.slice(2);
const model = version ? await registry.inspect('digits', version) : await registry.resolve('digits');
const spec = imageInputOf(model.metadata);
const limits = { ...DEFAULT_DECODE_LIMITS, maxBytes: 6 * 1024 * 1024 };
type Row = [string, Buffer[], (bytes: Buffer) => Promise<unknown>];
const preprocess = (bytes: Buffer) => preprocessImage(bytes, spec, limits);
const rows: Row[] = [['(b) MNIST-sized picture (28×28 PNG)', await benchInputs(model, 100), preprocess]];
if (spec.fit === 'mnist' && spec.page) {
  const photos = await phonePhotos(model, 20);
  const side = spec.page.workingSide;
  rows.push(['(b′) 12-megapixel phone photo of a page', photos, preprocess]);
  // The decode alone, for the machine's load at the time: the rest of (b′) is the page work.
  rows.push([`     of which decoding at ${side} px (shrink-on-load)`, photos, (bytes) => decodeValue(bytes, limits, side)]);
}
console.log(`digits@${model.metadata.version}, preprocessing alone, one libvips thread`);
for (const [name, inputs, task] of rows) {
  const run = await timeRuns(inputs.length * 2, 5, (i) => task(inputs[i % inputs.length]!));
  const { p50, p95 } = percentiles(run.samples);
  console.log(`${name.padEnd(44)} p50 ${p50.toFixed(2)} ms  p95 ${p95.toFixed(2)} ms  (n=${run.samples.length})`);
}
