/**
 * `npx tsx scripts/bench/preprocessing-alone.ts [version]`: the digits model's (b), (b′) and (b″) rows of `npm run
 * bench` without starting the platform: preprocessing alone on held-out MNIST pictures, on 12-megapixel phone photos
 * of pages and on 0.1–0.3-megapixel ones, on one thread (libvips concurrency 1), p50 and p95, and the CPU time per
 * input (p50: this process's user + system time, which a loaded machine inflates less than the wall time), and for a
 * version with a second look what reading a page in doubt again costs (its ink segmenter included, one thread). Quick to rerun after changing the preprocessing.
 */
import { loadavg } from 'node:os';
import sharp from 'sharp';
import { DEFAULT_DECODE_LIMITS, preprocessImage, readPageAgain } from '../../functions/serving/preprocessing';
import type { GrayImage } from '../../functions/serving/preprocessing/decode';
import { decodeValue, inspectImage } from '../../functions/serving/preprocessing/decode';
import { inkSegmenterOf } from '../../functions/serving/inference/ink-segmenter';
import { imageInputOf } from '../../functions/serving/model-spec';
import { ModelRegistry } from '../../functions/serving/registry';
import { percentiles } from './stats';
import { benchInputs, phonePhotos, smallPhonePhotos } from './inputs';
import { timeRuns } from './measure';

sharp.concurrency(1);
// The ink segmenter's ONNX Runtime on one thread too, as in the preprocess function (512 MB: one vCPU's share).
process.env.VIGIE_NATIVE_THREADS ??= '1';
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
  const small = await smallPhonePhotos(model, 20);
  const side = spec.page.workingSide;
  // Decoded as preprocessImage decodes: the header's EXIF orientation (read beforehand) turned once shrunk.
  const orientations = new Map<Buffer, number>();
  for (const bytes of [...photos, ...small]) orientations.set(bytes, (await inspectImage(bytes, limits)).orientation ?? 1);
  const decode = (bytes: Buffer) => decodeValue(bytes, limits, side, spec.page?.shrinkKernel, orientations.get(bytes));
  rows.push(['(b′) 12-megapixel phone photo of a page', photos, preprocess]);
  // The decode alone, for the machine's load at the time: the rest of (b′) is the page work.
  rows.push([`     of which decoding at ${side} px (shrink-on-load)`, photos, decode]);
  rows.push(['(b″) 0.1–0.3-megapixel phone photo of a page', small, preprocess]);
  rows.push([`     of which decoding at ${side} px`, small, decode]);
  if (spec.page.secondLook) {
    // What a page whose first answer is in doubt costs on top (its model runs aside): read again from its decode.
    const pictures = new Map<Buffer, GrayImage>();
    for (const bytes of small) pictures.set(bytes, (await preprocess(bytes)).picture!);
    const again = async (bytes: Buffer) => readPageAgain(pictures.get(bytes)!, spec, inkSegmenterOf(model));
    const ways = spec.page.secondLook.map((reading) => (reading.ink === 'segmenter' ? 'ink segmenter' : 'rules'));
    rows.push([`     read again (second look: ${ways.join(', ')})`, small, again]);
  }
}
console.log(
  `digits@${model.metadata.version}, preprocessing alone, one libvips thread, load average ${loadavg()[0]!.toFixed(2)}`,
);
for (const [name, inputs, task] of rows) {
  const cpu: number[] = [];
  const run = await timeRuns(inputs.length * 2, 5, async (i) => {
    const before = process.cpuUsage();
    await task(inputs[i % inputs.length]!);
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
  });
  const { p50, p95 } = percentiles(run.samples);
  const cpuP50 = percentiles(cpu.slice(-run.samples.length)).p50;
  console.log(
    `${name.padEnd(44)} p50 ${p50.toFixed(2)} ms  p95 ${p95.toFixed(2)} ms  CPU p50 ${cpuP50.toFixed(2)} ms  (n=${run.samples.length})`,
  );
}
