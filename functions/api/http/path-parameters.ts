import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { SUBJECT_ID_MAX_CHARS } from '../../records/subject-id';

/**
 * The path parameters the routes check themselves, as schemas: the handlers test with them and the OpenAPI
 * document describes them, so the two cannot say different things.
 */
export const predictionIdSchema = z.string().check(z.regex(/^[0-9a-f-]{36}$/), z.describe('a `predictionId` (UUID)'));

/**
 * A `trainingId`: a UUID (trainings over HTTP) or 32 hex digits (from an S3 upload, functions/train/handler.ts).
 * Anything else is answered 404 without a lookup: a 3,000-character id once made DynamoDB refuse the key (#20.16).
 */
export const trainingIdSchema = z
  .string()
  .check(z.regex(/^[0-9a-f-]{32,36}$/), z.describe('a `trainingId` (the 202 answer’s, or 32 hex digits for an upload)'));

/** Read as every entry reads it first (subject-id.ts): the identifier the uploads carried, as metadata or header. */
export const subjectIdSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(SUBJECT_ID_MAX_CHARS),
    z.describe(`the identifier the uploads carried (1 to ${SUBJECT_ID_MAX_CHARS} characters)`),
  );
