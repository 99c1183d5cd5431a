import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { InvalidInputError } from '../../platform/errors';
import { isoTimeField, parseQuery, utc } from './time-range';

/** The window drift looks at when none is named: the last hour, as the hourly scheduled run does. */
const DEFAULT_WINDOW_MS = 60 * 60 * 1000;

export const driftQueryFields = { from: isoTimeField, to: isoTimeField };

const driftQuerySchema = z.object({ from: z.optional(driftQueryFields.from), to: z.optional(driftQueryFields.to) });

/** The window of GET /v1/models/{model}/drift: [from, to], the hour before `to` (now) by default; a 400 when empty. */
export function parseDriftQuery(raw: Record<string, string | undefined>, now: Date): { from: string; to: string } {
  const query = parseQuery(driftQuerySchema, raw);
  const to = query.to === undefined ? now.toISOString() : utc(query.to);
  const from = query.from === undefined ? new Date(Date.parse(to) - DEFAULT_WINDOW_MS).toISOString() : utc(query.from);
  if (from >= to) throw new InvalidInputError('invalid-query', 'from: must be before to');
  return { from, to };
}
