import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * A "0" in faint ink, as a PNG file: paper at 230, a ring of ink 17 % darker (190), above the no-ink floor (15 %),
 * found only as faint ink by the page preprocessing, so the digits model answers it uncertain (unclear-writing). (At
 * 14 %, 194, digits 1.3.0 found it only through Lanczos-3's overshoot; 1.4.0 says no-ink.) Since 1.5.0 such an answer
 * is read again (its second look): 1.5.0 three other ways, 1.6.0 once more with its ink segmenter, which finds the
 * ring too (readings: 2).
 */
export async function writeFaintRing(): Promise<string> {
  const pixels = Uint8Array.from({ length: 400 * 300 }, (_, i) =>
    Math.abs(Math.hypot((i % 400) - 200, Math.floor(i / 400) - 150) - 45) <= 4 ? 190 : 230,
  );
  const file = join(mkdtempSync(join(tmpdir(), 'vigie-faint-')), 'faint.png');
  await sharp(Buffer.from(pixels), { raw: { width: 400, height: 300, channels: 1 } })
    .png()
    .toFile(file);
  return file;
}
