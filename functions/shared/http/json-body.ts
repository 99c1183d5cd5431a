import { InvalidInputError } from '../errors';

/** A request body read as JSON; what does not parse is the `invalid-json` problem every JSON route answers. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidInputError('invalid-json', 'The body is not valid JSON.');
  }
}
