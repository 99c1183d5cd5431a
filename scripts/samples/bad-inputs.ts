/**
 * The corpus of bad and unusual inputs every path must answer clearly (`npm run bad-inputs` writes it to
 * tests/fixtures/bad-inputs/ for trying by hand; the tests build it in memory). Each case says what the HTTP API
 * must answer and what the S3 path must record.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { heldOutDigitsOf, renderMnistPng, renderPaperJpeg, type DigitSample } from './mnist';

export interface BadInput {
  name: string;
  /** The file name under tests/fixtures/bad-inputs/ and the last part of the S3 key. */
  file: string;
  body: Buffer;
  contentType: string;
  model?: string;
  query?: string;
  /** The S3 key, when not `incoming/<model>/<file>`. */
  s3Key?: string;
  http?: { status: number; code?: string };
  /** `succeeded`, `rejected` with a code, or `ignored` (no record at all). */
  s3?: { status: 'succeeded' | 'ignored' } | { status: 'rejected'; code: string };
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring `side`×`side` pixels around a few hundred bytes of data: a decompression bomb. */
function declaredHugePng(side: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // 1-bit grayscale, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(4096))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const ok = { status: 200 };
const rejected = (code: string) => ({ status: 'rejected' as const, code });

export async function badInputs(seven: DigitSample): Promise<BadInput[]> {
  const png = await renderMnistPng(seven);
  const jpeg = await renderPaperJpeg(seven);
  const rgb = await sharp(jpeg).toColourspace('srgb').png().toBuffer();
  const still = (background: string) =>
    sharp({ create: { width: 60, height: 60, channels: 3, background } })
      .png()
      .toBuffer();
  const animated = await sharp([await still('#ffffff'), await still('#000000')], { join: { animated: true } })
    .gif({ loop: 0 })
    .toBuffer();
  return [
    {
      name: 'zero bytes',
      file: 'empty.png',
      body: Buffer.alloc(0),
      contentType: 'image/png',
      http: { status: 400, code: 'empty-input' },
      s3: rejected('empty-input'),
    },
    {
      name: 'truncated JPEG',
      file: 'truncated.jpg',
      body: jpeg.subarray(0, 400),
      contentType: 'image/jpeg',
      http: { status: 400, code: 'corrupt-image' },
      s3: rejected('corrupt-image'),
    },
    {
      name: 'truncated PNG',
      file: 'truncated.png',
      body: png.subarray(0, 60),
      contentType: 'image/png',
      http: { status: 400, code: 'corrupt-image' },
      s3: rejected('corrupt-image'),
    },
    {
      name: 'text file named .jpg',
      file: 'text.jpg',
      body: Buffer.from('I am not a picture\n'),
      contentType: 'image/jpeg',
      http: { status: 400, code: 'unsupported-image' },
      s3: rejected('unsupported-image'),
    },
    {
      name: 'PNG sent as text/plain',
      file: 'wrong-type.png',
      body: png,
      contentType: 'text/plain',
      http: { status: 415, code: 'unsupported-media-type' },
      s3: { status: 'succeeded' },
    },
    {
      name: 'multipart form',
      file: 'form.bin',
      body: Buffer.from('--x\r\n\r\n--x--'),
      contentType: 'multipart/form-data; boundary=x',
      http: { status: 415, code: 'unsupported-media-type' },
    },
    {
      name: 'SVG with external references',
      file: 'external.svg',
      body: Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="http://169.254.169.254/latest/meta-data/" width="9" height="9"/></svg>',
      ),
      contentType: 'image/svg+xml',
      http: { status: 400, code: 'unsupported-image' },
      s3: rejected('unsupported-image'),
    },
    {
      name: 'decompression bomb (100000² declared, tiny file)',
      file: 'bomb.png',
      body: declaredHugePng(100_000),
      contentType: 'image/png',
      http: { status: 400, code: 'image-too-large' },
      s3: rejected('image-too-large'),
    },
    {
      name: '12000×12000 image',
      file: 'huge-12000.png',
      body: await sharp({ create: { width: 12_000, height: 12_000, channels: 3, background: '#ffffff' } })
        .png({ compressionLevel: 9 })
        .toBuffer(),
      contentType: 'image/png',
      http: { status: 400, code: 'image-too-large' },
      s3: rejected('image-too-large'),
    },
    {
      name: 'animated GIF',
      file: 'animated.gif',
      body: animated,
      contentType: 'image/gif',
      http: { status: 400, code: 'animated-image' },
      s3: rejected('animated-image'),
    },
    {
      name: 'CMYK JPEG',
      file: 'cmyk.jpg',
      body: await sharp(jpeg).toColourspace('cmyk').jpeg().toBuffer(),
      contentType: 'image/jpeg',
      http: ok,
      s3: { status: 'succeeded' },
    },
    {
      name: '16-bit PNG',
      file: 'sixteen-bit.png',
      body: await sharp(rgb).toColourspace('rgb16').png().toBuffer(),
      contentType: 'image/png',
      http: ok,
      s3: { status: 'succeeded' },
    },
    {
      name: 'grayscale + alpha PNG',
      file: 'gray-alpha.png',
      body: await sharp(jpeg).greyscale().ensureAlpha(0.9).png().toBuffer(),
      contentType: 'image/png',
      http: ok,
      s3: { status: 'succeeded' },
    },
    {
      name: 'EXIF-rotated JPEG',
      file: 'exif-rotated.jpg',
      body: await sharp(jpeg).rotate(270).withMetadata({ orientation: 6 }).jpeg().toBuffer(),
      contentType: 'image/jpeg',
      http: ok,
      s3: { status: 'succeeded' },
    },
    {
      name: 'WebP',
      file: 'seven.webp',
      body: await sharp(jpeg).webp().toBuffer(),
      contentType: 'image/webp',
      http: ok,
      s3: { status: 'succeeded' },
    },
    {
      name: 'TIFF',
      file: 'seven.tiff',
      body: await sharp(jpeg).tiff().toBuffer(),
      contentType: 'image/tiff',
      http: ok,
      s3: { status: 'succeeded' },
    },
    {
      name: 'AVIF',
      file: 'seven.avif',
      body: await sharp(jpeg).avif().toBuffer(),
      contentType: 'image/avif',
      http: { status: 400, code: 'unsupported-image' },
      s3: rejected('unsupported-image'),
    },
    {
      name: 'HEIC header',
      file: 'photo.heic',
      body: Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(64)]),
      contentType: 'image/heic',
      http: { status: 400, code: 'unsupported-image' },
      s3: rejected('unsupported-image'),
    },
    {
      name: '1×1 pixel',
      file: 'one-pixel.png',
      body: await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000000' } })
        .png()
        .toBuffer(),
      contentType: 'image/png',
      http: { status: 400, code: 'no-ink' },
      s3: rejected('no-ink'),
    },
    {
      name: 'blank page',
      file: 'blank.png',
      body: await sharp({ create: { width: 200, height: 200, channels: 3, background: '#fafafa' } })
        .png()
        .toBuffer(),
      contentType: 'image/png',
      http: { status: 400, code: 'no-ink' },
      s3: rejected('no-ink'),
    },
    {
      name: 'JSON with a non-base64 image',
      file: 'not-base64.json',
      body: Buffer.from('{"image": "this is *not* base64!"}'),
      contentType: 'application/json',
      http: { status: 400, code: 'invalid-body' },
    },
    {
      name: 'JSON with NaN and strings in features',
      file: 'nan-features.json',
      body: Buffer.from('{"features": {"a": "NaN", "b": "x"}}'),
      contentType: 'application/json',
      http: { status: 400, code: 'unsupported-input' },
    },
    {
      name: 'JSON with extra fields',
      file: 'extra-fields.json',
      body: Buffer.from(JSON.stringify({ image: png.toString('base64'), admin: true })),
      contentType: 'application/json',
      http: { status: 400, code: 'invalid-body' },
    },
    {
      name: 'malformed JSON',
      file: 'malformed.json',
      body: Buffer.from('{"image": '),
      contentType: 'application/json',
      http: { status: 400, code: 'invalid-json' },
    },
    {
      name: '7 MB body',
      file: 'seven-megabytes.png',
      body: Buffer.concat([png, Buffer.alloc(7 * 1024 * 1024)]),
      contentType: 'image/png',
      http: { status: 413, code: 'payload-too-large' },
      s3: rejected('payload-too-large'),
    },
    {
      name: 'unknown model',
      file: 'unknown-model.png',
      body: png,
      contentType: 'image/png',
      model: 'no-such-model',
      http: { status: 404, code: 'model-not-found' },
      s3: rejected('model-not-found'),
    },
    {
      name: 'unknown version',
      file: 'unknown-version.png',
      body: png,
      contentType: 'image/png',
      query: 'version=9.9.9',
      http: { status: 404, code: 'model-not-found' },
    },
    {
      name: 'key with path traversal',
      file: 'traversal.png',
      body: png,
      contentType: 'image/png',
      s3Key: 'incoming/digits/../../etc/passwd.png',
      s3: rejected('invalid-key'),
    },
    {
      name: 'key without a model folder',
      file: 'no-model.png',
      body: png,
      contentType: 'image/png',
      s3Key: 'incoming/no-model.png',
      s3: rejected('invalid-key'),
    },
    {
      name: 'key in unicode',
      file: 'unicode.png',
      body: png,
      contentType: 'image/png',
      s3Key: 'incoming/digits/été/七 seven.png',
      s3: { status: 'succeeded' },
    },
    {
      name: 'upload outside incoming/',
      file: 'outside.png',
      body: png,
      contentType: 'image/png',
      s3Key: 'drafts/digits/outside.png',
      s3: { status: 'ignored' },
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seven = heldOutDigitsOf().find((s) => s.label === '7')!;
  const dir = 'tests/fixtures/bad-inputs';
  mkdirSync(dir, { recursive: true });
  const cases = await badInputs(seven);
  for (const c of cases) writeFileSync(join(dir, c.file), c.body);
  const manifest = cases.map(({ body: _body, ...rest }) => rest);
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`${cases.length} inputs written to ${dir}/ (manifest.json says what each must get)`);
}
