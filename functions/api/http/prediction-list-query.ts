import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { MODEL_NAME } from '../../platform/model-name';
import { InvalidInputError } from '../../platform/errors';
import type { RecordPageKey, RecordQuery } from '../../records/model-records';
import { VERSION } from '../../serving/model-spec';
import { decodeCursor } from './cursor';
import { predictionIdSchema } from './path-parameters';
import { isoTimeField, parseQuery, timeRange } from './time-range';

/** A page of at most this many records (and at most 4 MB: functions/records/model-records-dynamodb.ts). */
export const MAX_PREDICTIONS_PAGE = 100;
const DEFAULT_PREDICTIONS_PAGE = 20;

/** Each field of GET /v1/predictions' query as it is checked: the handler parses with them, the OpenAPI document shows them. */
export const predictionListFields = {
  model: z.string().check(z.regex(MODEL_NAME), z.describe('the model whose records to list')),
  version: z.string().check(z.regex(VERSION), z.describe('only the records this version answered')),
  status: z.enum(['succeeded', 'failed', 'rejected', 'running']),
  source: z.enum(['s3', 'http']),
  from: isoTimeField,
  to: isoTimeField,
  limit: z.int().check(z.minimum(1), z.maximum(MAX_PREDICTIONS_PAGE)),
  cursor: z.string().check(z.minLength(1), z.describe('the `cursor` of the previous page, as it came')),
};

const predictionListQuerySchema = z.object({
  model: predictionListFields.model,
  version: z.optional(predictionListFields.version),
  status: z.optional(predictionListFields.status),
  source: z.optional(predictionListFields.source),
  from: z.optional(predictionListFields.from),
  to: z.optional(predictionListFields.to),
  // A query string is text: the number is read from it.
  limit: z._default(z.pipe(z.coerce.number(), predictionListFields.limit), DEFAULT_PREDICTIONS_PAGE),
  cursor: z.optional(predictionListFields.cursor),
});

/** The key a cursor holds: the byModel index's key of the last record of the page before. */
const pageKeySchema = z.strictObject({ predictionId: predictionIdSchema, model: z.string(), createdAt: z.iso.datetime() });

export interface PredictionListQuery {
  query: RecordQuery;
  limit: number;
  after?: RecordPageKey;
}

/** The query of GET /v1/predictions, or a 400: `invalid-query` naming the field, `invalid-cursor`. */
export function parsePredictionListQuery(raw: Record<string, string | undefined>, now: Date): PredictionListQuery {
  const { model, version, status, source, from, to, limit, cursor } = parseQuery(predictionListQuerySchema, raw);
  const after = cursor === undefined ? undefined : decodeCursor(cursor, pageKeySchema);
  // Another model's cursor would start the Query outside its partition: DynamoDB refuses that key (a 500).
  if (after && after.model !== model) {
    throw new InvalidInputError('invalid-cursor', 'The cursor is from a listing of another model: start again without it.');
  }
  const range = timeRange(from, to, now);
  // DynamoDB refuses a start key outside the Query's range (a 500): such a cursor belongs to another listing.
  if (after && (after.createdAt < range.from || after.createdAt > range.to)) {
    throw new InvalidInputError('invalid-cursor', 'The cursor is from a listing of another time range: start again without it.');
  }
  const query: RecordQuery = {
    model,
    ...range,
    ...(version !== undefined && { version }),
    ...(status !== undefined && { status }),
    ...(source !== undefined && { source }),
  };
  return { query, limit, ...(after && { after }) };
}
