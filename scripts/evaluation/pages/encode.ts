import sharp from 'sharp';
import type { PageConditions } from './conditions';
import type { RgbImage } from './render';

/** The turn (degrees clockwise) a camera stores the pixels with, for the EXIF tag that turns them back upright. */
const STORED_TURN: Record<PageConditions['exifOrientation'], number> = { 1: 0, 3: 180, 6: 270, 8: 90 };

/**
 * The phone's JPEG: the rendered page softened (lens, focus) and enlarged to the picture's size, stored turned
 * as the sensor saw it with the EXIF orientation that shows it upright, at the drawn quality.
 */
export async function encodePhoto(
  page: RgbImage,
  c: Pick<PageConditions, 'width' | 'height' | 'exifOrientation' | 'jpegQuality'>,
  blurSigma: number,
): Promise<Buffer> {
  const raw = { raw: { width: page.width, height: page.height, channels: 3 as const } };
  const softened = blurSigma >= 0.3 ? await sharp(page.data, raw).blur(blurSigma).raw().toBuffer() : page.data;
  return sharp(softened, raw)
    .resize(c.width, c.height, { fit: 'fill', kernel: 'cubic' })
    .rotate(STORED_TURN[c.exifOrientation])
    .jpeg({ quality: c.jpegQuality })
    .withMetadata({ orientation: c.exifOrientation })
    .toBuffer();
}
