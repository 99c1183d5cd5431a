import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { MODEL_NAME } from '../../platform/model-name';
import { InvalidInputError } from '../../platform/errors';
import type { TrainingPageKey } from '../../training/training-store';
import { decodeCursor } from './cursor';
import { trainingIdSchema } from './path-parameters';

/** A page of at most this many trainings: summaries of a few hundred bytes each. */
export const MAX_TRAININGS_PAGE = 100;
const DEFAULT_TRAININGS_PAGE = 20;

/**
 * Each field of the query of GET /v1/trainings as it is checked: the handler parses with them and the OpenAPI
 * document describes them, so the two cannot say different things.
 */
export const trainingListFields = {
  model: z.string().check(z.regex(MODEL_NAME), z.describe('the model whose trainings to list')),
  limit: z.int().check(z.minimum(1), z.maximum(MAX_TRAININGS_PAGE)),
  cursor: z.string().check(z.minLength(1), z.describe('the `cursor` of the previous page, as it came')),
  inputKey: z.string().check(
    z.minLength(1),
    // S3's own limit on a key.
    z.maxLength(1_024),
    z.describe('only the trainings an S3 upload to this key started (`training/<model>/…`)'),
  ),
};

const trainingListQuerySchema = z.object({
  model: trainingListFields.model,
  // A query string is text: the number is read from it.
  limit: z._default(z.pipe(z.coerce.number(), trainingListFields.limit), DEFAULT_TRAININGS_PAGE),
  cursor: z.optional(trainingListFields.cursor),
  inputKey: z.optional(trainingListFields.inputKey),
});

/** The key a cursor holds: the byModel index's key of the last training of the page before. */
const pageKeySchema = z.strictObject({ trainingId: trainingIdSchema, model: z.string(), createdAt: z.iso.datetime() });

export interface TrainingListQuery {
  model: string;
  limit: number;
  after?: TrainingPageKey;
  inputKey?: string;
}

/** The query of GET /v1/trainings, or a 400: `invalid-query` naming the field, `invalid-cursor`. */
export function parseTrainingListQuery(raw: Record<string, string | undefined>): TrainingListQuery {
  const parsed = trainingListQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError('invalid-query', `${issue.path.join('.') || 'query'}: ${issue.message}`);
  }
  const { model, limit, cursor, inputKey } = parsed.data;
  const after = cursor === undefined ? undefined : decodeCursor(cursor, pageKeySchema);
  // Another model's cursor would start the Query outside its partition: DynamoDB refuses that key (a 500).
  if (after && after.model !== model) {
    throw new InvalidInputError('invalid-cursor', 'The cursor is from a listing of another model: start again without it.');
  }
  return { model, limit, ...(after && { after }), ...(inputKey !== undefined && { inputKey }) };
}
