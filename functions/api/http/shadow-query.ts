import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { isoTimeField, parseQuery, timeRange } from './time-range';

const shadowQuerySchema = z.object({ from: z.optional(isoTimeField), to: z.optional(isoTimeField) });

/** The window of GET /v1/models/{model}/shadow: [from, to], every retained record up to now by default. */
export function parseShadowQuery(raw: Record<string, string | undefined>, now: Date): { from: string; to: string } {
  const query = parseQuery(shadowQuerySchema, raw);
  return timeRange(query.from, query.to, now);
}
