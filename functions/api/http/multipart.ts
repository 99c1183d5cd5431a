import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidInputError, UnsupportedMediaTypeError } from '../../platform/errors';
import { quoteName } from '../../platform/model-name';
import { mediaTypeOf, rawBody } from './body';

/**
 * A multipart/form-data body as its named parts, parsed by Node's own Fetch implementation (undici, RFC 7578):
 * no parser of ours, and no dependency for it. The body is already whole in the event (API Gateway's limit bounds it).
 */
export async function formDataOf(event: APIGatewayProxyEventV2): Promise<FormData> {
  const mediaType = mediaTypeOf(event);
  if (mediaType !== 'multipart/form-data') {
    throw new UnsupportedMediaTypeError(`Send the parts as multipart/form-data, not '${quoteName(mediaType) || 'nothing'}'.`);
  }
  try {
    return await new Response(rawBody(event), { headers: { 'content-type': event.headers!['content-type']! } }).formData();
  } catch {
    throw new InvalidInputError(
      'invalid-multipart',
      'The multipart/form-data body does not parse (its boundary, or a part, is malformed).',
    );
  }
}

/** A part's bytes, whether it came as a file or as a plain field; undefined when the part is absent. */
export async function partBytes(form: FormData, name: string): Promise<Uint8Array | undefined> {
  const part = form.get(name);
  if (part === null) return undefined;
  return typeof part === 'string' ? Buffer.from(part, 'utf8') : new Uint8Array(await part.arrayBuffer());
}
