import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { meanOfReadings } from '../../functions/serving/inference/postprocess';
import { modelMetadataSchema, type MnistInputSpec, type ModelMetadata } from '../../functions/serving/model-spec';
import { DEFAULT_DECODE_LIMITS, preprocessImage, readPageAgain, type Tensor } from '../../functions/serving/preprocessing';
import { ModelRegistry } from '../../functions/serving/registry';
import { finalAnswer } from '../../functions/serving/second-look';
import { servePage } from '../support/serve-page';
import type { ClassificationResult } from '../../functions/records/results';
import { photographPage, REALISTIC_SET } from '../../scripts/evaluation/pages/set';
import { heldOutDigits } from '../../scripts/samples/mnist';

/** Issue #27: a page whose first answer is uncertain is read again the other ways its spec names (digits 1.5.0). */
const registry = new ModelRegistry('models');
const digits = heldOutDigits({ method: 'per-class-tail', heldOutFraction: 0.15 });
const answer = (probabilities: number[], extra: Partial<ClassificationResult> = {}): ClassificationResult => {
  const best = probabilities.indexOf(Math.max(...probabilities));
  return {
    label: String(best),
    confidence: probabilities[best]!,
    probabilities: Object.fromEntries(probabilities.map((p, i) => [String(i), p])),
    ...extra,
  };
};

describe('meanOfReadings', () => {
  it('answers with the mean of the readings, keeping the first reading’s flag and reason', () => {
    const first = answer([0.5, 0.3, 0.2], { uncertain: true, reason: 'low-confidence' });
    const mean = meanOfReadings(first, [answer([0.1, 0.8, 0.1]), answer([0.2, 0.7, 0.1])]);
    expect(mean).toEqual({
      label: '1',
      confidence: 0.6,
      probabilities: { 0: 0.266667, 1: 0.6, 2: 0.133333 },
      uncertain: true,
      reason: 'low-confidence',
      readings: 3,
    });
    expect(meanOfReadings(first, [])).toBe(first);
  });
});

describe('finalAnswer', () => {
  const v = (version: string) => registry.inspect('digits', version);

  it('reads a page again only when its first answer is uncertain, and only for a version that asks', async () => {
    const model = await v('1.5.0');
    const photo = await photographPage(3, digits[40], REALISTIC_SET, { width: 480, height: 360, jpegQuality: 85 });
    const prepared = await preprocessImage(photo.bytes, model.metadata.input as MnistInputSpec, DEFAULT_DECODE_LIMITS);
    const seen: Tensor[] = [];
    const run = async (tensor: Tensor) => {
      seen.push(tensor);
      return answer([0.1, 0.9, 0, 0, 0, 0, 0, 0, 0, 0]);
    };
    const sure = answer([0.95, 0.05, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(await finalAnswer(sure, prepared, model, run)).toBe(sure);
    const doubtful = answer([0.6, 0.4, 0, 0, 0, 0, 0, 0, 0, 0], { uncertain: true, reason: 'low-confidence' });
    expect(await finalAnswer(doubtful, prepared, await v('1.4.0'), run)).toBe(doubtful);
    expect(await finalAnswer(doubtful, { ...prepared, picture: undefined }, model, run)).toBe(doubtful);
    expect(seen).toHaveLength(0);

    const again = await finalAnswer(doubtful, prepared, model, run);
    expect(seen).toHaveLength(3);
    expect(seen.every((tensor) => tensor.dims.join() === '1,1,28,28')).toBe(true);
    expect(again).toMatchObject({ label: '1', confidence: 0.775, uncertain: true, reason: 'low-confidence', readings: 4 });
  });

  it('turns the pencil "6" 1.4.0 misreads as a 7 into a 6, still flagged (realistic page 943, through ONNX Runtime)', async () => {
    const { bytes } = await photographPage(943, digits[943], REALISTIC_SET);
    expect(digits[943]!.label).toBe('6');
    expect((await servePage(bytes, '1.4.0')).answer).toMatchObject({ label: '7', uncertain: true, reason: 'low-confidence' });
    const second = (await servePage(bytes, '1.5.0')).answer;
    expect(second).toMatchObject({ label: '6', uncertain: true, reason: 'low-confidence', readings: 4 });
  });

  it('turns the "5" 1.5.0 misreads as a 3 into a 5 with 1.6.0’s ink segmenter, still flagged (realistic page 831)', async () => {
    const { bytes } = await photographPage(831, digits[831], REALISTIC_SET);
    expect(digits[831]!.label).toBe('5');
    expect((await servePage(bytes, '1.5.0')).answer).toMatchObject({ label: '3', uncertain: true, readings: 4 });
    const segmented = (await servePage(bytes, '1.6.0')).answer;
    expect(segmented).toMatchObject({ label: '5', uncertain: true, reason: 'low-confidence', readings: 2 });
  });
});

describe('an answer "1" with the ink of a blob (digits 1.7.0, page.maxInkPixels)', () => {
  /** A page with one dark blue ellipse `rx` × `ry` pixels (radii), turned 15°: a stroke when narrow, a blob when wide. */
  const ellipse = (rx: number, ry: number) => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#f2efe6"/>
      <ellipse cx="200" cy="150" rx="${rx}" ry="${ry}" transform="rotate(15 200 150)" fill="#2a3a8a"/></svg>`;
    return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
  };

  it('is flagged unclear-writing and read again, where 1.6.0 answers it sure; a thin stroke stays a sure "1"', async () => {
    const blob = await ellipse(18, 45);
    const before = await servePage(blob, '1.6.0');
    expect(before.answer).toMatchObject({ label: '1' });
    expect(before.answer).not.toHaveProperty('uncertain');
    const after = await servePage(blob, '1.7.0');
    expect(after.prepared.inkPixels).toBeGreaterThan(130);
    expect(after.answer).toMatchObject({ uncertain: true, reason: 'unclear-writing', readings: 2 });

    const stroke = await servePage(await ellipse(5, 40), '1.7.0');
    expect(stroke.prepared.inkPixels).toBeLessThan(130);
    expect(stroke.answer).toMatchObject({ label: '1' });
    expect(stroke.answer).not.toHaveProperty('uncertain');
  });
});

describe('readPageAgain', () => {
  it('leaves out a reading that finds the page blank', async () => {
    const spec = (await registry.inspect('digits', '1.5.0')).metadata.input as MnistInputSpec;
    const blank = { data: new Uint8Array(256 * 192).fill(220), width: 256, height: 192 };
    expect(await readPageAgain(blank, spec)).toEqual([]);
  });
});

describe('the page spec’s second look', () => {
  it('takes only options that act after the decode, one to four readings', async () => {
    const metadata: ModelMetadata = await registry.inspect('digits', '1.5.0').then((m) => m.metadata);
    const withLook = (secondLook: unknown) => ({
      ...metadata,
      input: { ...metadata.input, page: { ...(metadata.input as MnistInputSpec).page, secondLook } },
    });
    expect(modelMetadataSchema.safeParse(withLook([{ closingShare: 0.2 }])).success).toBe(true);
    expect(modelMetadataSchema.safeParse(withLook([{ workingSide: 384 }])).success).toBe(false);
    expect(modelMetadataSchema.safeParse(withLook([])).success).toBe(false);
    expect(modelMetadataSchema.safeParse(withLook(Array(5).fill({ lowShare: 0.2 }))).success).toBe(false);
    expect(modelMetadataSchema.safeParse(withLook([{ closingShare: 0.9 }])).success).toBe(false);
  });

  it('reads with an ink segmenter only where the page spec ships one (1.6.0)', async () => {
    const metadata: ModelMetadata = await registry.inspect('digits', '1.6.0').then((m) => m.metadata);
    const page = (metadata.input as MnistInputSpec).page!;
    expect(page.secondLook).toEqual([{ ink: 'segmenter' }]);
    const withPage = (changed: object) => ({ ...metadata, input: { ...metadata.input, page: { ...page, ...changed } } });
    expect(modelMetadataSchema.safeParse(withPage({})).success).toBe(true);
    const without = modelMetadataSchema.safeParse(withPage({ inkSegmenter: undefined }));
    expect(without.success).toBe(false);
    expect(JSON.stringify(without.error?.issues)).toContain('needs input.page.inkSegmenter');
    expect(modelMetadataSchema.safeParse(withPage({ secondLook: [{ ink: 'rules' }] })).success).toBe(false);
    expect(modelMetadataSchema.safeParse(withPage({ inkSegmenter: { ...page.inkSegmenter, side: 100 } })).success).toBe(false);
  });

  it('limits the ink of answers only for labels the output has (1.7.0)', async () => {
    const metadata: ModelMetadata = await registry.inspect('digits', '1.7.0').then((m) => m.metadata);
    const page = (metadata.input as MnistInputSpec).page!;
    expect(page.maxInkPixels).toEqual({ 1: 130 });
    const withLimits = (maxInkPixels: unknown) => ({
      ...metadata,
      input: { ...metadata.input, page: { ...page, maxInkPixels } },
    });
    const typo = modelMetadataSchema.safeParse(withLimits({ one: 130 }));
    expect(typo.success).toBe(false);
    expect(JSON.stringify(typo.error?.issues)).toContain('names labels the output has not: one');
    expect(modelMetadataSchema.safeParse(withLimits({ 1: 0 })).success).toBe(false);
    expect(modelMetadataSchema.safeParse(withLimits({ 1: 130, 7: 200 })).success).toBe(true);
  });
});
