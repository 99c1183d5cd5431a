import { describe, expect, it } from 'vitest';
import { QuerySyntaxError, runInsightsQuery } from '../../scripts/audit/insights';
import type { LogEvent } from '../../scripts/audit/log-events';

const event = (at: string, audit: Record<string, unknown>, group = '/aws/lambda/vigie-local-predict'): LogEvent => {
  const fields = { timestamp: at, message: 'prediction', audit };
  return { '@timestamp': Date.parse(at), '@message': JSON.stringify(fields), '@log': group, fields };
};

const events = [
  event('2026-11-20T10:00:00.000Z', { event: 'prediction', model: 'digits', status: 'succeeded', timings: { totalMs: 10 } }),
  event('2026-11-20T23:59:59.000Z', { event: 'prediction', model: 'digits', status: 'succeeded', timings: { totalMs: 30 } }),
  event('2026-11-21T00:00:01.000Z', {
    event: 'prediction',
    model: 'digits',
    status: 'rejected',
    errorCode: 'no-ink',
    timings: { totalMs: 2 },
  }),
  event('2026-11-21T08:00:00.000Z', { event: 'prediction', model: 'car', status: 'succeeded', timings: { totalMs: 100 } }),
  event('2026-11-21T09:00:00.000Z', { event: 'subject-erasure', subjectPseudonym: 'ps_1', predictions: 3 }),
];

describe('runInsightsQuery', () => {
  it('groups by day bins and fields, with aliases, and sorts', () => {
    const result = runInsightsQuery(
      `# per day
       filter audit.event = "prediction"
       | stats count(*) as n by bin(1d) as day, audit.model as model
       | sort day asc, model desc`,
      events,
    );
    expect(result.columns).toEqual(['day', 'model', 'n']);
    expect(result.rows).toEqual([
      { day: '2026-11-20T00:00:00.000Z', model: 'digits', n: 2 },
      { day: '2026-11-21T00:00:00.000Z', model: 'digits', n: 1 },
      { day: '2026-11-21T00:00:00.000Z', model: 'car', n: 1 },
    ]);
  });

  it('computes pct (nearest rank), avg, min and max, and min/max of @timestamp as times', () => {
    const result = runInsightsQuery(
      `filter audit.model = "digits" and audit.status = "succeeded" or audit.status = "rejected"
       | stats pct(audit.timings.totalMs, 50) as p50, avg(audit.timings.totalMs) as mean, max(audit.timings.totalMs),
         min(@timestamp) as first, count(audit.errorCode) as withError`,
      events,
    );
    expect(result.rows).toEqual([
      { p50: 10, mean: 14, 'max(audit.timings.totalMs)': 30, first: '2026-11-20T10:00:00.000Z', withError: 1 },
    ]);
  });

  it('filters with !=, numbers, not, parentheses and ispresent, then projects and limits', () => {
    const result = runInsightsQuery(
      `fields @timestamp, audit.model as model
       | filter ispresent(audit.timings.totalMs) and not (audit.model != "digits") and audit.timings.totalMs >= 10
       | sort @timestamp desc | limit 1`,
      events,
    );
    expect(result).toEqual({
      columns: ['@timestamp', 'model'],
      rows: [{ '@timestamp': '2026-11-20T23:59:59.000Z', model: 'digits' }],
    });
  });

  it('refuses what it does not implement instead of ignoring it', () => {
    expect(() => runInsightsQuery('parse @message "* *" as a, b', events)).toThrow(QuerySyntaxError);
    expect(() => runInsightsQuery('filter audit.model like /dig/', events)).toThrow(QuerySyntaxError);
    expect(() => runInsightsQuery('stats median(audit.timings.totalMs)', events)).toThrow(/median/);
    expect(() => runInsightsQuery('limit 3 4', events)).toThrow(/Unexpected '4'/);
  });
});
