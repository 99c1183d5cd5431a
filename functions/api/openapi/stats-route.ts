import * as z from 'zod/mini';
import { MAX_STATS_DAYS, statsQueryFields } from '../http/stats-query';
import { described } from './responses';
import { modelParameter, type RouteDoc } from './route-doc';

const count = z.int().check(z.minimum(0));
const share = z.number().check(z.minimum(0), z.maximum(1));

const statsFiguresFields = {
  count: described(count, 'predictions: 1 per single prediction, the rows of a multi-row request or CSV batch'),
  succeeded: count,
  rejected: described(count, 'refused for good: inputs, files, and rows refused for their values'),
  failed: described(count, 'failed and retryable'),
  errors: described(z.record(z.string(), count), 'records that did not succeed, per error `code`'),
  latencyMs: described(
    z.nullable(z.object({ p50: z.number(), p95: z.number() })),
    'requests’ total time (CSV batches excluded), within 2 %; null when there was none',
  ),
  labels: z.optional(described(z.record(z.string(), share), 'share of the answers per label')),
  scores: z.optional(
    described(
      z.object({ p05: z.number(), p25: z.number(), p50: z.number(), p75: z.number(), p95: z.number() }),
      'quantiles of the scores or values answered (anomaly, regression, detections), within 2 %',
    ),
  ),
  uncertainShare: described(z.nullable(share), 'share of the succeeded answers marked uncertain; null when none succeeded'),
};

/** GET /v1/models/{model}/stats and `vigie stats --json` (#24). */
export const statsSchema = z.object({
  model: z.string(),
  from: described(z.iso.datetime(), 'the start of `from`’s hour (day)'),
  to: described(z.iso.datetime(), 'the end of `to`’s hour (day)'),
  interval: z.enum(['hour', 'day']),
  series: z.array(
    z.object({
      version: described(z.nullable(z.string()), 'null: refused before a version was chosen'),
      alias: described(z.nullable(z.string()), 'null: the request named its version'),
      total: z.object(statsFiguresFields),
      buckets: described(
        z.array(z.object({ start: z.iso.datetime(), ...statsFiguresFields })),
        'the hours or days that hold predictions, in time order',
      ),
    }),
  ),
});

export const STATS_ROUTE: RouteDoc = {
  method: 'get',
  path: '/v1/models/{model}/stats',
  operationId: 'getModelStats',
  summary: 'What the model did over a time range, per version and alias, per hour or day',
  description:
    'Counts, errors by code, rejections, latency p50/p95, label shares or score quantiles and the uncertain share, ' +
    'read from hourly and daily counters that every prediction record (CSV batch rows included) adds to: whole ' +
    `hours (at most ${MAX_STATS_DAYS.hour} days) or whole days (at most ${MAX_STATS_DAYS.day}), the last day by default.`,
  tag: 'Predictions',
  permission: 'predictions:read',
  parameters: [
    modelParameter,
    { name: 'from', in: 'query', description: 'the range’s start (default: a day before `to`)', schema: statsQueryFields.from },
    { name: 'to', in: 'query', description: 'the range’s end (default: now)', schema: statsQueryFields.to },
    { name: 'interval', in: 'query', description: '`hour` (default) or `day`', schema: statsQueryFields.interval },
  ],
  responses: { 200: { description: 'The statistics.', content: { 'application/json': statsSchema } } },
  problems: { 400: ['invalid-query'], 403: ['forbidden'], 404: ['not-found'] },
};
