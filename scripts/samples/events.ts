/**
 * The sample inputs and Lambda events under events/, made from real held-out digits: the images a newcomer
 * uploads, and the events `serverless invoke local -f <fn> -p events/<file>.json` takes. `npm run events`
 * writes them (scripts/samples/write-events.ts); a test checks the committed ones are what this makes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encodeTensor } from '../../functions/shared/inference/protocol';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/shared/preprocessing';
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

  const key = 'incoming/digits/seven.png';
  write('s3-put-digit.json', {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-3',
        eventTime: '2026-11-22T10:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: 'vigie-local-uploads', arn: 'arn:aws:s3:::vigie-local-uploads' },
          // The ETag S3 gives this PNG uploaded in one part (its MD5), so invoking with this event records the
          // same object as uploading the sample does, not a second one.
          object: { key, size: png.length, eTag: createHash('md5').update(png).digest('hex'), sequencer: '0A1B2C3D4E5F678901' },
        },
      },
    ],
  });

  const httpEvent = (routeKey: string, rawPath: string, extra: Record<string, unknown> = {}) => ({
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { 'x-api-key': 'local-dev-key' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      http: { method: routeKey.split(' ')[0], path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8' },
      requestId: `sample-${rawPath.replace(/\W+/g, '-')}`,
      routeKey,
      stage: '$default',
      time: '22/Nov/2026:10:00:00 +0000',
      timeEpoch: 1795341600000,
    },
    isBase64Encoded: false,
    ...extra,
  });

  write('http-predict-digit.json', {
    ...httpEvent('POST /v1/models/{model}/predict', '/v1/models/digits/predict', {
      pathParameters: { model: 'digits' },
      body: png.toString('base64'),
      isBase64Encoded: true,
    }),
    headers: { 'x-api-key': 'local-dev-key', 'content-type': 'image/png' },
  });
  write('http-health.json', { ...httpEvent('GET /v1/health', '/v1/health'), headers: {} });
  write('http-models.json', httpEvent('GET /v1/models', '/v1/models'));
  write(
    'http-model-digits.json',
    httpEvent('GET /v1/models/{model}', '/v1/models/digits', { pathParameters: { model: 'digits' } }),
  );

  const prepared = await preprocessImage(png, metadata.input, DEFAULT_DECODE_LIMITS);
  write('infer-digit.json', { model: 'digits', tensor: encodeTensor(prepared.tensor) });
  return files;
}
