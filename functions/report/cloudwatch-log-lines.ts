import { CloudWatchLogsClient, paginateDescribeLogGroups, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import type { LogLines } from '../monitoring/report/audit-trail';

/**
 * The stage's Lambda log groups (`/aws/lambda/vigie-<stage>-…`), every event of the month, as the local files
 * hold them: what the report counts subject requests in and scans for raw identifiers.
 */
export function cloudWatchLogLines(stage: string, client = new CloudWatchLogsClient({})): LogLines {
  const prefix = `/aws/lambda/vigie-${stage}-`;
  return async function* (month) {
    for await (const groups of paginateDescribeLogGroups({ client }, { logGroupNamePrefix: prefix })) {
      for (const group of groups.logGroups ?? []) {
        const input = { logGroupName: group.logGroupName, startTime: Date.parse(month.from), endTime: Date.parse(month.to) };
        for await (const page of paginateFilterLogEvents({ client }, input)) {
          for (const event of page.events ?? []) {
            yield { line: event.message ?? '', where: `${group.logGroupName}/${event.logStreamName ?? ''}` };
          }
        }
      }
    }
  };
}
