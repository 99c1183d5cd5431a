import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { InvalidInputError } from '../../platform/errors';

/**
 * `from` and `to` of the routes that read a model's records over time (GET /v1/predictions, drift, statistics):
 * ISO times with a zone, compared as the records' `createdAt` are stored (UTC, `toISOString`), so that the
 * index's string order is time order whatever zone the caller wrote.
 */
export const isoTimeField = z.iso.datetime({ offset: true }).check(z.describe('an ISO 8601 time with its zone'));

/** Records of any age: the table keeps them RETENTION_DAYS anyway. */
const EARLIEST = '1970-01-01T00:00:00.000Z';

export const utc = (time: string) => new Date(time).toISOString();

/** A range both ends included, `to` now when absent; a 400 `invalid-query` when it ends before it starts. */
export function timeRange(from: string | undefined, to: string | undefined, now: Date, defaultFrom = EARLIEST) {
  const range = { from: from === undefined ? defaultFrom : utc(from), to: to === undefined ? now.toISOString() : utc(to) };
  if (range.from > range.to) throw new InvalidInputError('invalid-query', 'from: must not be after to');
  return range;
}

/** The query string checked against `schema`, or a 400 `invalid-query` naming the first field it refuses. */
export function parseQuery<T>(schema: z.ZodMiniType<T>, raw: Record<string, string | undefined>): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError('invalid-query', `${issue.path.join('.') || 'query'}: ${issue.message}`);
  }
  return parsed.data;
}
