import type { ImageInputSpec, MnistInputSpec } from '../model-spec';
import { decodeGray, inspectImage, resizeGray, type DecodeLimits } from './decode';
import { letterboxImage, type LetterboxGeometry } from './letterbox';
import { centreByMass, crop, fitSize, inkBoundingBox, isolateInk } from './mnist-fit';
import { grayToTensor, type Tensor } from './tensor';

export type { FloatTensor, PixelTensor, Tensor } from './tensor';
export { toModelInput } from './tensor';
export { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './limits';
export type { LetterboxGeometry } from './letterbox';

export interface PreparedInput {
  tensor: Tensor;
  /** The picture as received (after EXIF rotation), for mapping results back onto it. */
  source: { format: string; width: number; height: number };
  letterbox?: LetterboxGeometry;
}

async function mnistTensor(bytes: Uint8Array, spec: MnistInputSpec, limits: DecodeLimits): Promise<Tensor> {
  const gray = await decodeGray(bytes, limits);
  const ink = isolateInk(gray);
  const patch = crop(ink, inkBoundingBox(ink));
  const size = fitSize(patch.width, patch.height, spec.inkBox);
  const fitted = await resizeGray(patch, size.width, size.height);
  return grayToTensor(centreByMass(fitted, spec.width, spec.height), spec);
}

/** Turns image bytes into the model's input tensor, as the model's input spec says. */
export async function preprocessImage(bytes: Uint8Array, spec: ImageInputSpec, limits: DecodeLimits): Promise<PreparedInput> {
  const metadata = await inspectImage(bytes, limits);
  const rotated = (metadata.orientation ?? 1) >= 5;
  const source = {
    format: metadata.format ?? 'unknown',
    width: rotated ? (metadata.height ?? 0) : (metadata.width ?? 0),
    height: rotated ? (metadata.width ?? 0) : (metadata.height ?? 0),
  };
  if (spec.fit === 'letterbox') return { source, ...(await letterboxImage(bytes, source, spec, limits)) };
  return { source, tensor: await mnistTensor(bytes, spec, limits) };
}
