import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidInputError, UnsupportedMediaTypeError } from '../../platform/errors';
import { quoteName } from '../../platform/model-name';

/** The request body's bytes: API Gateway hands binary bodies over base64-encoded, text as it came. */
export function rawBody(event: APIGatewayProxyEventV2): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

/**
 * How deep a JSON body may nest. Every body Vigie reads is shallow (a `/v2` tensor nests to its rank, rows to 3);
 * a body nested 100,000 deep parses, but the schema validation that walks it then overflows the stack (#20.15).
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether the JSON text nests arrays and objects deeper than `limit`: one pass over the bytes, strings skipped. */
function nestsDeeperThan(body: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i += 1) {
    const byte = body[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) depth -= 1;
  }
  return false;
}

/**
 * A request body read as JSON; what does not parse is the `invalid-json` problem every JSON route answers, and
 * what nests deeper than MAX_JSON_DEPTH is refused before it is parsed (`json-too-deep`).
 */
export function parseJsonBody(body: Buffer): unknown {
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new InvalidInputError('json-too-deep', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
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
