import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidInputError } from '../errors';

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
