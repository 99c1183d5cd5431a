import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { InvalidInputError } from '../../platform/errors';
import { isoTimeField, parseQuery, utc } from './time-range';

export const canaryQueryFields = { from: isoTimeField, to: isoTimeField };

const canaryQuerySchema = z.object({ from: z.optional(canaryQueryFields.from), to: z.optional(canaryQueryFields.to) });

/**
 * The window of GET /v1/models/{model}/canary when the caller names one; each end left out is the guard's own
 * (the canary's life, at most its last GUARD_WINDOW_MINUTES, up to now). A 400 when it ends before it starts.
 */
export function parseCanaryQuery(raw: Record<string, string | undefined>): { from?: string; to?: string } {
  const query = parseQuery(canaryQuerySchema, raw);
  const range = {
    ...(query.from !== undefined && { from: utc(query.from) }),
    ...(query.to !== undefined && { to: utc(query.to) }),
  };
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) {
    throw new InvalidInputError('invalid-query', 'from: must be before to');
  }
  return range;
}
