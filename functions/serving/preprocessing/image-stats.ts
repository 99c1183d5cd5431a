import { decodeGray, type DecodeLimits } from './decode';

/**
 * What drift watches of a picture (#24): its size as received, and the brightness (mean grey level, 0 to 255) and
 * contrast (standard deviation of the grey levels) of the picture shrunk to the working size. A camera that
 * darkens, a lens gone dirty, another resolution: each moves one of these before the answers move.
 */
export const IMAGE_STATISTICS = ['width', 'height', 'brightness', 'contrast'] as const;

export type ImageStatistics = Record<(typeof IMAGE_STATISTICS)[number], number>;

export async function imageStatistics(
  bytes: Uint8Array,
  source: { width: number; height: number },
  limits: DecodeLimits,
): Promise<ImageStatistics> {
  const { data } = await decodeGray(bytes, limits);
  let sum = 0;
  for (const value of data) sum += value;
  const mean = sum / data.length;
  let squares = 0;
  for (const value of data) squares += (value - mean) ** 2;
  return { width: source.width, height: source.height, brightness: mean, contrast: Math.sqrt(squares / data.length) };
}
