import { decodeGray, type DecodeLimits } from './decode';
import type { PreparedInput } from './index';

/**
 * What drift watches of a picture (#24): its size as received, and the brightness (mean grey level, 0 to 255) and
 * contrast (standard deviation of the grey levels) of the picture shrunk to the working size. A camera that
 * darkens, a lens gone dirty, another resolution: each moves one of these before the answers move.
 */
export const IMAGE_STATISTICS = ['width', 'height', 'brightness', 'contrast'] as const;

export type ImageStatistics = Record<(typeof IMAGE_STATISTICS)[number], number>;

/**
 * The statistics of a picture its preprocessing has prepared. A digit fit has decoded the picture already, to grey
 * or, for a page, to its value (brightest channel) at the page's working side, and its levels are read there: for a
 * grey picture, such as the MNIST ones the baselines are built from, they are a grey decode's levels, and a second
 * decode of a small phone photo cost ~9 ms, more than reading its digit (issue #27). A letterboxed frame is decoded to
 * grey at the working size for them.
 */
export async function imageStatistics(
  bytes: Uint8Array,
  prepared: Pick<PreparedInput, 'source' | 'picture'>,
  limits: DecodeLimits,
): Promise<ImageStatistics> {
  const { data } = prepared.picture ?? (await decodeGray(bytes, limits));
  let sum = 0;
  for (const value of data) sum += value;
  const mean = sum / data.length;
  let squares = 0;
  for (const value of data) squares += (value - mean) ** 2;
  const { width, height } = prepared.source;
  return { width, height, brightness: mean, contrast: Math.sqrt(squares / data.length) };
}
