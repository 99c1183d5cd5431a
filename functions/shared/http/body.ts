import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidInputError, UnsupportedMediaTypeError } from '../errors';
import { quoteName } from '../model-name';

/** The request body's bytes: API Gateway hands binary bodies over base64-encoded, text as it came. */
export function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/** A request body read as JSON; what does not parse is the `invalid-json` problem every JSON route answers. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidInputError('invalid-json', 'The body is not valid JSON.');
  }
}

/** The request's media type (RFC 9110 §8.3.1): lower case, without its parameters; '' when none was sent. */
export function mediaTypeOf(event: APIGatewayProxyEventV2): string {
  return (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The body of a route that takes JSON only: 415 `unsupported-media-type` unless it came as `application/json`, as
 * API Gateway hands a body without a Content-Type over without one (the local platform too:
 * patches/serverless-offline*.patch), then 400 `invalid-json` when it does not parse.
 */
export function jsonBodyOf(event: APIGatewayProxyEventV2): unknown {
  const mediaType = mediaTypeOf(event);
  if (mediaType !== 'application/json') {
    throw new UnsupportedMediaTypeError(`Send the body as application/json, not '${quoteName(mediaType) || 'nothing'}'.`);
  }
  return parseJsonBody(rawBody(event));
}
