import type { LetterboxInputSpec } from '../model-spec';
import { decodeFailure, openImage, type DecodeLimits } from './decode';
import type { PixelTensor } from './tensor';

/** Where the picture sits in the tensor: what post-processing needs to map boxes back to the picture's pixels. */
export interface LetterboxGeometry {
  scale: number;
  padX: number;
  padY: number;
  sourceWidth: number;
  sourceHeight: number;
}

export function letterboxGeometry(sourceWidth: number, sourceHeight: number, spec: LetterboxInputSpec) {
  const scale = Math.min(spec.width / sourceWidth, spec.height / sourceHeight);
  const width = Math.max(1, Math.round(sourceWidth * scale));
  const height = Math.max(1, Math.round(sourceHeight * scale));
  const padX = Math.floor((spec.width - width) / 2);
  const padY = Math.floor((spec.height - height) / 2);
  return { scale, width, height, padX, padY };
}

/**
 * Resizes the picture (EXIF orientation applied) to fit the tensor, keeping its aspect ratio, and pads the rest
 * with the spec's grey, as the detector was trained.
 */
export async function letterboxImage(
  bytes: Uint8Array,
  source: { width: number; height: number },
  spec: LetterboxInputSpec,
  limits: DecodeLimits,
): Promise<{ tensor: PixelTensor; letterbox: LetterboxGeometry }> {
  const fit = letterboxGeometry(source.width, source.height, spec);
  const pad = { r: spec.padValue, g: spec.padValue, b: spec.padValue };
  let rgb: Buffer;
  try {
    rgb = await openImage(bytes, limits)
      .rotate()
      .flatten({ background: pad })
      .toColourspace('srgb')
      .resize(fit.width, fit.height, { fit: 'fill', kernel: 'linear' })
      .extend({
        left: fit.padX,
        top: fit.padY,
        right: spec.width - fit.width - fit.padX,
        bottom: spec.height - fit.height - fit.padY,
        background: pad,
      })
      .removeAlpha()
      .raw()
      .toBuffer();
  } catch (error) {
    throw decodeFailure(error);
  }
  return {
    // Sent as pixels: the infer function normalises them (see PixelTensor).
    tensor: {
      dtype: 'uint8',
      dims: [1, spec.height, spec.width, 3],
      data: new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length),
    },
    letterbox: { scale: fit.scale, padX: fit.padX, padY: fit.padY, sourceWidth: source.width, sourceHeight: source.height },
  };
}
