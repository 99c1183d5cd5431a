import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import '../platform/zod-messages';
import { mediaTypeOf, parseJsonBody, rawBody } from '../api/http/body';
import { predictJsonBodySchema } from '../api/http/predict-body';
import { InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../platform/errors';

/** Feature rows (JSON or CSV) keep the body's bytes: the record's inputSha256 is over what was sent. */
export type PredictInput =
  | { image: Uint8Array }
  | { features: Record<string, unknown>; bytes: Uint8Array }
  | { rows: unknown[]; bytes: Uint8Array }
  | { csv: Uint8Array; bytes: Uint8Array };

/**
 * Accepts image bytes (`Content-Type: image/*`), JSON `{"image": "<base64>"}` / `{"features": {...}}` /
 * `{"rows": [...]}`, or a `text/csv` body (feature rows with a header).
 * The size is checked on the raw body, before any decoding work.
 */
export function parsePredictBody(event: APIGatewayProxyEventV2, maxBytes: number): PredictInput {
  const contentType = mediaTypeOf(event);
  const body = rawBody(event);
  if (body.length > maxBytes) throw new PayloadTooLargeError(`The body is ${body.length} bytes; the limit is ${maxBytes}.`);
  if (contentType.startsWith('image/')) return { image: body };
  if (contentType === 'text/csv') return { csv: body, bytes: body };
  if (contentType === 'application/json') {
    const parsed = predictJsonBodySchema.safeParse(parseJsonBody(body));
    if (!parsed.success) {
      throw new InvalidInputError(
        'invalid-body',
        'Send {"image": "<base64 image>"}, {"features": {...}} or {"rows": [{...}, ...]} and nothing else.',
      );
    }
    return 'image' in parsed.data ? { image: Buffer.from(parsed.data.image, 'base64') } : { ...parsed.data, bytes: body };
  }
  throw new UnsupportedMediaTypeError(
    `Send an image (Content-Type: image/png, image/jpeg, image/webp…), application/json or text/csv, not '${contentType || 'nothing'}'.`,
  );
}
