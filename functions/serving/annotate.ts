import type { DetectionResult } from '../records/results';
import { sharp } from '../platform/native/sharp';

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/** The boxes and scores as an SVG layer the size of the picture; line width and text scale with the picture. */
export function detectionOverlay(result: DetectionResult, width: number, height: number): string {
  const line = Math.max(2, Math.round(Math.min(width, height) / 200));
  const font = Math.max(12, Math.round(Math.min(width, height) / 30));
  const shapes = result.detections.map(({ label, score, box }) => {
    const w = box.xmax - box.xmin;
    const h = box.ymax - box.ymin;
    const caption = escapeXml(`${label} ${score.toFixed(2)}`);
    const textY = box.ymin > font + line ? box.ymin - line : box.ymin + font + line;
    return (
      `<rect x="${box.xmin}" y="${box.ymin}" width="${w}" height="${h}" fill="none" stroke="#00e676" stroke-width="${line}"/>` +
      `<text x="${box.xmin + line}" y="${textY}" font-family="sans-serif" font-size="${font}" fill="#00e676" stroke="#000" stroke-width="${line / 3}" paint-order="stroke">${caption}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
}

/**
 * How an annotated picture is encoded. JPEG for the copies kept in S3: for a dashcam photo it is a fifth of the
 * PNG's bytes in half the time (104 KB in 15 ms against 479 KB in 27–31 ms for a 676×380 frame, drawing
 * included); PNG or JPEG for HTTP clients, as they ask.
 */
export const ANNOTATED_FORMATS = {
  png: { contentType: 'image/png', extension: 'png' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg' },
} as const;

export type AnnotatedFormat = keyof typeof ANNOTATED_FORMATS;

/** The picture upright (EXIF applied) with the detections drawn on it. */
export async function annotateDetections(
  bytes: Uint8Array,
  result: DetectionResult,
  source: { width: number; height: number },
  format: AnnotatedFormat,
) {
  const overlay = Buffer.from(detectionOverlay(result, source.width, source.height));
  const drawn = sharp(bytes)
    .rotate()
    .composite([{ input: overlay, left: 0, top: 0 }]);
  // Full-resolution colour (4:4:4): with the default 4:2:0, the 2-pixel green boxes fade into the picture.
  return (format === 'jpeg' ? drawn.jpeg({ quality: 90, chromaSubsampling: '4:4:4' }) : drawn.png()).toBuffer();
}
