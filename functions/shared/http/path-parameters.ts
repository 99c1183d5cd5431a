import * as z from 'zod/mini';
import '../zod-messages';

/**
 * The path parameters the routes check themselves, as schemas: the handlers test with them and the OpenAPI
 * document describes them, so the two cannot say different things.
 */
export const predictionIdSchema = z.string().check(z.regex(/^[0-9a-f-]{36}$/), z.describe('a `predictionId` (UUID)'));

/** Trimmed first: the identifier the uploads carried, as the subject-id metadata or x-subject-id header. */
export const subjectIdSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(256), z.describe('the identifier the uploads carried (1 to 256 characters)'));
