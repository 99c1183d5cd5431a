import * as z from 'zod/mini';
import '../../platform/zod-messages';

const text = z.string().check(z.minLength(1), z.maxLength(500));

/**
 * What POST /v1/models/{model}/versions/{version}/approval accepts: a person's decision on a pending version.
 * Shared by the trainings function, which validates with it, and the OpenAPI document, which describes it.
 */
export const approvalBodySchema = z.strictObject({
  decision: z.enum(['approved', 'rejected']),
  approver: text,
  notes: z.optional(text),
});
