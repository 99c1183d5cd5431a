import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MnistInputSpec } from '../../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, mnistPixels } from '../../../functions/serving/preprocessing';
import { renderMnistPng, trainingDigits, type SplitRule } from '../../samples/mnist';
import { photographPage, type PageSetOptions } from './set';

/**
 * Training pages for the digits model (issue #14): every training digit of the split photographed on a page as the
 * realistic set does (another seed, smaller pictures for speed; one digit in PAGE_EVERY), and every one as its MNIST picture, each
 * run through the serving preprocessing, so the model learns on exactly what it is given in production. Written
 * as raw 28×28 bytes (digits.u8), labels (labels.u8) and what made them (spec.json), which train.py reads.
 */
/** The input spec the page-trained digits model declares (train.py copies `page` from spec.json). */
export const PAGE_INPUT: MnistInputSpec = {
  kind: 'image',
  tensorName: 'image',
  layout: 'NCHW',
  dtype: 'float32',
  channels: 1,
  height: 28,
  width: 28,
  fit: 'mnist',
  inkBox: 20,
  normalisation: { scale: 1 / 255, mean: [0.1307], std: [0.3081] },
  page: { workingSide: 384, strokeWidth: 2.6 },
};

export const TRAINING_PAGES_DIR = join('.local', 'digit-pages', 'training');
export const TRAINING_PAGES: PageSetOptions = { seed: 1401, blankPages: 0, minSide: 480, maxSide: 1400, paintSide: 480 };
/** One training digit in this many is photographed: rendering pages is the slow part (2 shared cores). */
export const PAGE_EVERY = 3;

export async function writeTrainingPages(
  split: SplitRule,
  input: MnistInputSpec,
  progress?: (done: number, total: number) => void,
): Promise<number> {
  const digits = trainingDigits(split);
  const side = input.width * input.height;
  const most = digits.length + Math.ceil(digits.length / PAGE_EVERY);
  const pixels = new Uint8Array(most * side);
  const labels = new Uint8Array(most);
  let n = 0;
  let refused = 0;
  for (const [i, digit] of digits.entries()) {
    const inputs = [await renderMnistPng(digit)];
    // The page index runs over the photographed digits only, so paper × ink stay balanced among them.
    if (i % PAGE_EVERY === 0) inputs.push((await photographPage(i / PAGE_EVERY, digit, TRAINING_PAGES)).bytes);
    for (const bytes of inputs) {
      // A page the preprocessing refuses (no-ink: a faint stroke in a dark corner) is never answered: not learnt.
      const fitted = await mnistPixels(bytes, input, DEFAULT_DECODE_LIMITS).catch(() => undefined);
      if (!fitted) {
        refused += 1;
        continue;
      }
      pixels.set(fitted.data, n * side);
      labels[n] = Number(digit.label);
      n += 1;
    }
    progress?.(i + 1, digits.length);
  }
  const total = n;
  mkdirSync(TRAINING_PAGES_DIR, { recursive: true });
  writeFileSync(join(TRAINING_PAGES_DIR, 'digits.u8'), pixels.subarray(0, total * side));
  writeFileSync(join(TRAINING_PAGES_DIR, 'labels.u8'), labels.subarray(0, total));
  const spec = {
    generator: 'scripts/evaluation/pages/write.ts --training',
    split,
    options: TRAINING_PAGES,
    layout: `for each training digit in split order: its MNIST picture, then (one digit in ${PAGE_EVERY}) its photographed page; each 28x28 uint8`,
    count: total,
    refused,
    page: input.page,
  };
  writeFileSync(join(TRAINING_PAGES_DIR, 'spec.json'), `${JSON.stringify(spec, null, 1)}\n`);
  return total;
}
