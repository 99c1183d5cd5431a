import type { ImageInputSpec } from '../model-spec';
import { decodeGray, inspectImage, resizeGray, type DecodeLimits } from './decode';
import { centreByMass, crop, fitSize, inkBoundingBox, isolateInk } from './mnist-fit';
import { grayToTensor, type Tensor } from './tensor';

export type { Tensor } from './tensor';
export type { DecodeLimits } from './decode';

export interface PreparedInput {
  tensor: Tensor;
  /** The picture as received (after EXIF rotation), for mapping results back onto it. */
  source: { format: string; width: number; height: number };
}

/** Turns image bytes into the model's input tensor, as the model's input spec says. */
export async function preprocessImage(bytes: Uint8Array, spec: ImageInputSpec, limits: DecodeLimits): Promise<PreparedInput> {
  const metadata = await inspectImage(bytes, limits);
  const gray = await decodeGray(bytes, limits);
  const ink = isolateInk(gray);
  const patch = crop(ink, inkBoundingBox(ink));
  const size = fitSize(patch.width, patch.height, spec.inkBox);
  const fitted = await resizeGray(patch, size.width, size.height);
  const canvas = centreByMass(fitted, spec.width, spec.height);
  const rotated = (metadata.orientation ?? 1) >= 5;
  return {
    tensor: grayToTensor(canvas, spec),
    source: {
      format: metadata.format ?? 'unknown',
      width: rotated ? (metadata.height ?? 0) : (metadata.width ?? 0),
      height: rotated ? (metadata.width ?? 0) : (metadata.height ?? 0),
    },
  };
}
