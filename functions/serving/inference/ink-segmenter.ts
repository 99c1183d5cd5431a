import type { InferenceSession } from 'onnxruntime-node';
import { ort } from '../../platform/native/onnxruntime';
import { imageInputOf } from '../model-spec';
import type { GrayImage } from '../preprocessing/decode';
import type { SegmentInk } from '../preprocessing';
import { isLightOnDark } from '../preprocessing/page';
import { resampleGray } from '../preprocessing/resample';
import type { ModelVersion } from '../registry';
import { SessionCache } from './sessions';

/**
 * The ink segmentation network a digits version ships beside its model (`input.page.inkSegmenter`, 1.6.0): the
 * decoded page in, where the written digit's ink is out, for the second look's reading that takes its ink from it
 * (preprocessing/readPageAgain). Loaded once per container and version, its SHA-256 checked like the model's.
 */

/** What pads the page to the network's square: paper, as its training pages were padded (ink-masks.ts). */
const PAPER = 250;
const sessions = new SessionCache();

/** The version's segmenter, or undefined when its page spec has none. */
export function inkSegmenterOf(model: ModelVersion): SegmentInk | undefined {
  const spec = imageInputOf(model.metadata);
  const segmenter = spec.fit === 'mnist' ? spec.page?.inkSegmenter : undefined;
  if (!segmenter) return undefined;
  return async (picture) => segmentInk(await sessions.get(model, segmenter), picture, segmenter.side);
}

/**
 * The page brought to fit `side`² and padded with paper; out, at the page's size, the ink where the network gives it
 * even odds or better, as bright as it is sure (0–255), and nothing elsewhere: the picture the ruling removal would
 * otherwise leave (page.ts). A picture of light ink on black (MNIST's own, a scan already cleaned) is no photographed
 * page, which is all the network learnt from: it is not segmented (undefined), and that reading is left out.
 */
async function segmentInk(session: InferenceSession, page: GrayImage, side: number): Promise<GrayImage | undefined> {
  if (isLightOnDark(page)) return undefined;
  const scale = side / Math.max(page.width, page.height);
  const small = resampleGray(page, Math.max(1, Math.round(page.width * scale)), Math.max(1, Math.round(page.height * scale)));
  const input = new Float32Array(side * side).fill(PAPER);
  for (let y = 0; y < small.height; y += 1) {
    for (let x = 0; x < small.width; x += 1) input[y * side + x] = small.data[y * small.width + x]!;
  }
  const outputs = await session.run({ value: new ort.Tensor('float32', input, [1, 1, side, side]) });
  const logits = outputs.ink!.data as Float32Array;
  const ink = new Uint8Array(page.width * page.height);
  for (let y = 0; y < page.height; y += 1) {
    const row = Math.min(small.height - 1, Math.floor((y * small.height) / page.height)) * side;
    for (let x = 0; x < page.width; x += 1) {
      const logit = logits[row + Math.min(small.width - 1, Math.floor((x * small.width) / page.width))]!;
      if (logit >= 0) ink[y * page.width + x] = Math.round(255 / (1 + Math.exp(-logit)));
    }
  }
  return { data: ink, width: page.width, height: page.height };
}
