import type { ImageInputSpec, MnistInputSpec } from '../model-spec';
import { decodeGray, decodeValue, inspectImage, resizeGray, type DecodeLimits, type GrayImage } from './decode';
import { letterboxImage, type LetterboxGeometry } from './letterbox';
import { centreByMass, crop, fitSize, inkBoundingBox, isolateInk } from './mnist-fit';
import { pageInk } from './page';
import { grayToTensor, type Tensor } from './tensor';

export type { FloatTensor, PixelTensor, Tensor } from './tensor';
export { toModelInput } from './tensor';
export { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../../platform/decode-limits';
export type { LetterboxGeometry } from './letterbox';

export interface PreparedInput {
  tensor: Tensor;
  /** The picture as received (after EXIF rotation), for mapping results back onto it. */
  source: { format: string; width: number; height: number };
  letterbox?: LetterboxGeometry;
}

/** The digit's ink, cropped: found on the page when the spec asks for it, else the whole picture's ink. */
async function digitPatch(bytes: Uint8Array, spec: MnistInputSpec, limits: DecodeLimits): Promise<GrayImage | undefined> {
  if (spec.page) return pageInk(await decodeValue(bytes, limits, spec.page.workingSide), spec.page, spec.inkBox)?.patch;
  const ink = isolateInk(await decodeGray(bytes, limits));
  return crop(ink, inkBoundingBox(ink));
}

/** The digit as MNIST drew its digits: bright ink on black, fitted in the ink box, centred by mass. */
export async function mnistPixels(bytes: Uint8Array, spec: MnistInputSpec, limits: DecodeLimits): Promise<GrayImage> {
  const patch = await digitPatch(bytes, spec, limits);
  // A page with ruling or shadows but no written stroke: an empty canvas, which post-processing reports as such.
  if (!patch) return { data: new Uint8Array(spec.width * spec.height), width: spec.width, height: spec.height };
  const size = fitSize(patch.width, patch.height, spec.inkBox);
  const fitted = await resizeGray(patch, size.width, size.height);
  return centreByMass(fitted, spec.width, spec.height);
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
  return { source, tensor: grayToTensor(await mnistPixels(bytes, spec, limits), spec) };
}
