/**
 * `npx tsx scripts/bench/preprocessing-against.ts <commit> [rounds]`: the served digits version's preprocessing as
 * commit <commit> wrote it (its functions/ exported under .local/bench-against/) and as this working tree has it, in
 * one process, small phone photo by small phone photo (the (b″) row's 40 photos) in turns, the order swapped every
 * round: p50 of each, p50 of the paired differences, and whether both give the same tensor for every photo. Turns
 * in one process see the same moments of a shared machine's load; two runs of preprocessing-alone.ts minutes apart
 * do not (on the 2-core development machine the same code's p50 moved by up to 0.7 ms between such runs).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import * as current from '../../functions/serving/preprocessing';
import { imageInputOf } from '../../functions/serving/model-spec';
import { ModelRegistry } from '../../functions/serving/registry';
import { smallPhonePhotos } from './inputs';
import { percentiles } from './stats';

const [commit, roundsArg] = process.argv.slice(2);
if (!commit || commit.startsWith('-')) {
  console.log('usage: npx tsx scripts/bench/preprocessing-against.ts <commit> [rounds, default 20]');
  process.exit(commit ? 0 : 2);
}
const rounds = Number(roundsArg ?? 20);
sharp.concurrency(1);

// Inside the repository, so that the exported code resolves the same node_modules.
const folder = resolve('.local/bench-against', commit.replace(/[^\w.-]/g, '_'));
rmSync(folder, { recursive: true, force: true });
mkdirSync(folder, { recursive: true });
const archive = execFileSync('git', ['archive', commit, 'functions'], { maxBuffer: 1 << 30 });
execFileSync('tar', ['-x', '-C', folder], { input: archive });
const before = (await import(join(folder, 'functions/serving/preprocessing/index.ts'))) as typeof current;

const model = await new ModelRegistry('models').resolve('digits');
const spec = imageInputOf(model.metadata);
const photos = await smallPhonePhotos(model, 40);
const limits = current.DEFAULT_DECODE_LIMITS;
const tensorBytes = (input: current.PreparedInput) => {
  const { data } = input.tensor;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
};
let differing = 0;
for (const bytes of photos) {
  const [a, b] = [await before.preprocessImage(bytes, spec, limits), await current.preprocessImage(bytes, spec, limits)];
  if (!tensorBytes(a).equals(tensorBytes(b))) differing += 1;
}
const samples = { before: [] as number[], after: [] as number[], difference: [] as number[] };
const time = async (run: () => Promise<unknown>) => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};
for (let round = 0; round < rounds + 2; round += 1) {
  for (const bytes of photos) {
    const first = round % 2 === 0 ? before : current;
    const second = first === before ? current : before;
    const [one, two] = [
      await time(() => first.preprocessImage(bytes, spec, limits)),
      await time(() => second.preprocessImage(bytes, spec, limits)),
    ];
    if (round < 2) continue; // warm-up rounds
    const [then, now] = first === before ? [one, two] : [two, one];
    samples.before.push(then);
    samples.after.push(now);
    samples.difference.push(now - then);
  }
}
const p50 = (values: number[]) => percentiles(values).p50.toFixed(2);
console.log(
  `digits@${model.metadata.version}, small phone photos (0.1–0.3 MP), one libvips thread, ${samples.after.length} turns\n` +
    `${commit}: p50 ${p50(samples.before)} ms; working tree: p50 ${p50(samples.after)} ms; ` +
    `paired difference p50 ${p50(samples.difference)} ms; tensors differing: ${differing} of ${photos.length}`,
);
