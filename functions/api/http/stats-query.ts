import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { InvalidInputError } from '../../platform/errors';
import type { StatsInterval, StatsRange } from '../../monitoring/stats';
import { isoTimeField, parseQuery, timeRange } from './time-range';

/** The range statistics cover when none is named: the day before `to` (now). */
const DEFAULT_RANGE_MS = 24 * 60 * 60 * 1000;
/**
 * The longest range one request reads, per interval: 7 days hour by hour (168 items per version and alias), a
 * year day by day (366): longer hourly series cost seconds to read (docs/benchmarks.md) and belong to dashboards.
 */
export const MAX_STATS_DAYS: Record<StatsInterval, number> = { hour: 7, day: 366 };

export const statsQueryFields = {
  from: isoTimeField,
  to: isoTimeField,
  interval: z.enum(['hour', 'day']).check(z.describe('the buckets the range is cut into (default `hour`)')),
};

const statsQuerySchema = z.object({
  from: z.optional(statsQueryFields.from),
  to: z.optional(statsQueryFields.to),
  interval: z._default(statsQueryFields.interval, 'hour'),
});

/** The query of GET /v1/models/{model}/stats: [from, to] (the last day by default), the interval; a 400 otherwise. */
export function parseStatsQuery(raw: Record<string, string | undefined>, now: Date): StatsRange & { interval: StatsInterval } {
  const query = parseQuery(statsQuerySchema, raw);
  const to = query.to ?? now.toISOString();
  const range = timeRange(query.from ?? new Date(Date.parse(to) - DEFAULT_RANGE_MS).toISOString(), to, now);
  const longest = MAX_STATS_DAYS[query.interval];
  if (Date.parse(range.to) - Date.parse(range.from) > longest * 86_400_000) {
    const day = query.interval === 'hour' ? ' (longer ranges: interval=day)' : '';
    throw new InvalidInputError('invalid-query', `from: at most ${longest} days before to with interval=${query.interval}${day}`);
  }
  return { ...range, interval: query.interval };
}
