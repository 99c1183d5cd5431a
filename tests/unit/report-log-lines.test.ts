import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { monthRange } from '../../functions/monitoring/report/audit-figures';
import { readAuditTrail } from '../../functions/monitoring/report/audit-trail';
import { cloudWatchLogLines } from '../../functions/report/cloudwatch-log-lines';

const pseudonym = `ps_${'b'.repeat(32)}`;
const erasure = (timestamp: string, durationMs: number) =>
  JSON.stringify({
    level: 'INFO',
    timestamp,
    audit: {
      event: 'subject-erasure',
      schemaVersion: 1,
      timestamp,
      requestId: 'r',
      subjectPseudonym: pseudonym,
      predictions: 2,
      files: 1,
      durationMs,
    },
  });

/** CloudWatch Logs as the report function sees it: two pages of log groups, the second group's events in two pages. */
function fakeLogs(calls: unknown[]): CloudWatchLogsClient {
  const send = (command: unknown) => {
    calls.push(command);
    if (command instanceof DescribeLogGroupsCommand) {
      return command.input.nextToken
        ? { logGroups: [{ logGroupName: '/aws/lambda/vigie-prod-predict' }] }
        : { logGroups: [{ logGroupName: '/aws/lambda/vigie-prod-subjects' }], nextToken: 'groups-2' };
    }
    if (command instanceof FilterLogEventsCommand) {
      if (command.input.logGroupName === '/aws/lambda/vigie-prod-predict')
        return { events: [{ message: 'START', logStreamName: 's' }] };
      return command.input.nextToken
        ? { events: [{ message: 'debug jeanne@example.fr', logStreamName: 's2' }] }
        : { events: [{ message: erasure('2026-11-03T08:00:00.000Z', 1834), logStreamName: 's1' }], nextToken: 'events-2' };
    }
    throw new Error(`unexpected ${String(command)}`);
  };
  // A real client (the paginators check its class) whose calls never leave the process.
  const client = new CloudWatchLogsClient({ region: 'eu-west-3' });
  client.send = ((command: unknown) => Promise.resolve(send(command))) as typeof client.send;
  return client;
}

describe("the report function's log lines (CloudWatch Logs)", () => {
  it("reads every page of the stage's Lambda log groups over the month, and the trail counts and scans them", async () => {
    const calls: unknown[] = [];
    const month = monthRange('2026-11');
    const trail = await readAuditTrail(cloudWatchLogLines('prod', fakeLogs(calls)), month);
    expect(trail.linesScanned).toBe(3);
    expect(trail.subjectRequests).toEqual([
      { at: '2026-11-03T08:00:00.000Z', kind: 'erasure', subject: `ps_bbbbbbbb…`, predictions: 2, files: 1, durationMs: 1834 },
    ]);
    expect(trail.findings).toEqual(['/aws/lambda/vigie-prod-subjects/s2: holds an e-mail address']);
    const describe = calls.filter((c) => c instanceof DescribeLogGroupsCommand) as DescribeLogGroupsCommand[];
    expect(describe.map((c) => c.input.logGroupNamePrefix)).toEqual(['/aws/lambda/vigie-prod-', '/aws/lambda/vigie-prod-']);
    const filters = calls.filter((c) => c instanceof FilterLogEventsCommand) as FilterLogEventsCommand[];
    expect(filters.map((c) => [c.input.startTime, c.input.endTime])).toContainEqual([
      Date.parse(month.from),
      Date.parse(month.to),
    ]);
    expect(filters).toHaveLength(3);
  });
});
