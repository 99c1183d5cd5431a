import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { InvalidInputError } from '../../platform/errors';
import { MODEL_NAME } from '../../platform/model-name';
import { VERSION } from '../../serving/model-spec';

/** Why a change to what is served was made: required, written into the history and the audit trail. */
const reason = z.string().check(z.trim(), z.minLength(1), z.maxLength(500), z.describe('why (kept in the history)'));

/**
 * The bodies of the lifecycle routes (functions/lifecycle), shared by the handler, which validates with them, and
 * the OpenAPI document, which describes them.
 */
export const aliasMoveBodySchema = z.strictObject({
  version: z.string().check(z.regex(VERSION), z.describe('an approved version of the model')),
  weight: z.optional(
    z
      .int()
      .check(
        z.minimum(1),
        z.maximum(100),
        z.describe(
          '`canary`: the percentage of default traffic it takes (1 to 99); `shadow`: the percentage of production’s requests it also scores',
        ),
      ),
  ),
  reason,
});
export const reasonBodySchema = z.strictObject({ reason });

/** An alias is named as a model is (platform/model-name.ts): `production`, `canary`, `shadow` or any such name. */
export const aliasNameSchema = z
  .string()
  .check(z.regex(MODEL_NAME), z.describe('`production`, `canary` or any name of lowercase letters, digits and hyphens'));

export const aliasHistoryQuerySchema = z.object({
  at: z.optional(z.iso.datetime({ offset: true }).check(z.describe('an ISO 8601 instant; now when absent'))),
});

/** The body validated, or 400 `invalid-body` naming what to send. */
export function parseLifecycleBody<S extends z.ZodMiniType>(schema: S, body: unknown, expected: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? ` (${issue.path.join('.')}: ${issue.message})` : '';
    throw new InvalidInputError('invalid-body', `Send ${expected}${at}.`);
  }
  return parsed.data;
}
