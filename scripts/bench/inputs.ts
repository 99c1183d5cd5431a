import { readFileSync } from 'node:fs';
import { validationFrames, type FrameRangeSplit } from '../evaluation/car-dataset';
import { heldOutDigitsOf, renderMnistPng } from '../samples/mnist';
import { photographPage, REALISTIC_SET } from '../evaluation/pages/set';
import type { ModelVersion } from '../../functions/serving/registry';

/** Real inputs each model sees in production: held-out MNIST renders, and dashcam frames of the validation range. */
export async function benchInputs(model: ModelVersion, count: number): Promise<Buffer[]> {
  if (model.metadata.name === 'digits') {
    const digits = heldOutDigitsOf(model.metadata.version);
    // Spread over the classes: the held-out list is sorted by digit.
    const step = Math.max(1, Math.floor(digits.length / count));
    return Promise.all(
      digits
        .filter((_, i) => i % step === 0)
        .slice(0, count)
        .map(renderMnistPng),
    );
  }
  const split = model.metadata.training.data.split as unknown as FrameRangeSplit;
  const frames = validationFrames(split);
  const step = Math.max(1, Math.floor(frames.length / count));
  return frames
    .filter((_, i) => i % step === 0)
    .slice(0, count)
    .map((frame) => readFileSync(frame.path));
}

/**
 * 12-megapixel phone photos (4000×3000 JPEG, quality 90) of held-out digits on school pages, one per paper and ink
 * in turn: what (b′) preprocesses for a model that finds the digit on a page (issue #14).
 */
export async function phonePhotos(model: ModelVersion, count: number): Promise<Buffer[]> {
  const digits = heldOutDigitsOf(model.metadata.version);
  const step = Math.max(1, Math.floor(digits.length / count));
  const photos: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const size = i % 2 === 0 ? { width: 4000, height: 3000 } : { width: 3000, height: 4000 };
    photos.push((await photographPage(i, digits[i * step], REALISTIC_SET, { ...size, jpegQuality: 90 })).bytes);
  }
  return photos;
}

/** Small phone photos' sizes (upright): 0.12 to 0.27 megapixels, landscape and portrait. */
const SMALL_PHOTO_SIZES = [
  { width: 400, height: 300 },
  { width: 360, height: 480 },
  { width: 560, height: 420 },
  { width: 450, height: 600 },
];

/**
 * Small phone photos (0.1–0.3 megapixel JPEG, quality 85) of held-out digits on school pages: what a phone app or
 * a web form sends after its own resize (issue #27), the (b″) row.
 */
export async function smallPhonePhotos(model: ModelVersion, count: number): Promise<Buffer[]> {
  const digits = heldOutDigitsOf(model.metadata.version);
  const step = Math.max(1, Math.floor(digits.length / count));
  const photos: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const size = SMALL_PHOTO_SIZES[i % SMALL_PHOTO_SIZES.length]!;
    photos.push((await photographPage(i, digits[i * step], REALISTIC_SET, { ...size, jpegQuality: 85 })).bytes);
  }
  return photos;
}
