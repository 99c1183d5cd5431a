/**
 * The sample inputs and Lambda events under events/, made from real held-out digits: the images a newcomer
 * uploads, and the events `serverless invoke local -f <fn> -p events/<file>.json` takes. `npm run events`
 * writes them (scripts/samples/write-events.ts); a test checks the committed ones are what this makes.
 */
import { readFileSync } from 'node:fs';
import { encodeTensor } from '../../functions/serving/inference/protocol';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { httpEvent, s3PutEvent } from './aws-events';
import { heldOutDigitsOf, renderMnistPng, renderPaperJpeg } from './mnist';

/** Each file's path under events/ and its bytes. */
export async function sampleEvents(): Promise<Map<string, Buffer>> {
  const metadata = JSON.parse(readFileSync('models/digits/1.0.0/metadata.json', 'utf8'));
  const seven = heldOutDigitsOf(metadata.version).find((sample) => sample.label === '7');
  if (!seven) throw new Error('No held-out 7.');

  const files = new Map<string, Buffer>();
  const png = await renderMnistPng(seven);
  files.set('samples/seven.png', png);
  files.set('samples/seven-paper.jpg', await renderPaperJpeg(seven));

  const write = (name: string, event: unknown) => files.set(name, Buffer.from(`${JSON.stringify(event, null, 2)}\n`));
  // Fixed moments and names, so that `npm run events` rewrites the same bytes on every run.
  const at = new Date('2026-11-22T10:00:00.000Z');
  const headers = { 'x-api-key': 'local-dev-key' };
  const digits = { model: 'digits' };

  const upload = { bucket: 'vigie-local-uploads', key: 'incoming/digits/seven.png', body: png };
  write('s3-put-digit.json', s3PutEvent({ ...upload, at, sequencer: '0A1B2C3D4E5F678901' }));
  write(
    'http-predict-digit.json',
    httpEvent('POST /v1/models/{model}/predict', '/v1/models/digits/predict', {
      headers: { ...headers, 'content-type': 'image/png' },
      pathParameters: digits,
      body: png,
      at,
    }),
  );
  write('http-health.json', httpEvent('GET /v1/health', '/v1/health', { at }));
  write('http-models.json', httpEvent('GET /v1/models', '/v1/models', { headers, at }));
  write(
    'http-model-digits.json',
    httpEvent('GET /v1/models/{model}', '/v1/models/digits', { headers, pathParameters: digits, at }),
  );

  const prepared = await preprocessImage(png, metadata.input, DEFAULT_DECODE_LIMITS);
  write('infer-digit.json', { model: 'digits', tensor: encodeTensor(prepared.tensor) });
  return files;
}
