/**
 * The Lambda events AWS hands the functions, built in one place: the committed samples under events/ and the
 * benchmark's cold-start processes take the same shapes, so a change of shape reaches both.
 */
import { createHash } from 'node:crypto';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time`: `22/Nov/2026:10:00:00 +0000`. */
function gatewayTime(at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = [at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds()].map(two).join(':');
  return `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${clock} +0000`;
}

export interface HttpEventOptions {
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  /** Sent base64-encoded, as API Gateway sends binary bodies. */
  body?: Buffer;
  at?: Date;
  /** Who sends it: the request id's prefix and the user agent (`sample`, `bench`). */
  origin?: string;
}

/** An API Gateway HTTP API event (payload 2.0), as serverless-offline and AWS hand it to the functions. */
export function httpEvent(routeKey: string, rawPath: string, options: HttpEventOptions = {}) {
  const { headers = {}, pathParameters, body, at = new Date(), origin = 'sample' } = options;
  const method = routeKey.split(' ')[0] ?? 'GET';
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers,
    ...(pathParameters && { pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: `vigie-${origin}` },
      requestId: `${origin}-${rawPath.replace(/\W+/g, '-')}`,
      routeKey,
      stage: '$default',
      time: gatewayTime(at),
      timeEpoch: at.getTime(),
    },
    ...(body ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
  };
}

export interface S3PutOptions {
  bucket: string;
  key: string;
  /** The object's bytes: its size, and its ETag as S3 gives a single-part upload (the MD5, in S3 as in s3rver). */
  body: Uint8Array;
  at?: Date;
  /** S3 orders a key's events by it; any distinct hex-like string will do here. */
  sequencer: string;
}

/**
 * An S3 ObjectCreated:Put notification for one uploaded object. With the real ETag, invoking a function with it
 * names the same object (and so the same prediction record) as the upload itself did.
 */
export function s3PutEvent({ bucket, key, body, at = new Date(), sequencer }: S3PutOptions) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-3',
        eventTime: at.toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key, size: body.length, eTag: createHash('md5').update(body).digest('hex'), sequencer },
        },
      },
    ],
  };
}
