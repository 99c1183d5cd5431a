import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A log event as Logs Insights sees one: the JSON fields of the line (nested objects reachable with dots,
 * `audit.model`), plus `@timestamp` (epoch ms), `@message` (the raw line) and `@log` (its log group).
 */
export interface LogEvent {
  '@timestamp': number;
  '@message': string;
  '@log': string;
  fields: Record<string, unknown>;
}

/** The log group a function writes to in AWS; locally, the file `<function>.log` stands for it. */
export const logGroupOf = (functionName: string) => `/aws/lambda/${functionName}`;

/** Reads every structured line of every function's log file in a local stage's logs folder, oldest first. */
export function readLogEvents(folder: string): LogEvent[] {
  if (!existsSync(folder)) return [];
  const events: LogEvent[] = [];
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.log') && name !== 'offline.log')) {
    const group = logGroupOf(file.slice(0, -'.log'.length));
    for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      let fields: Record<string, unknown>;
      try {
        fields = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const timestamp = typeof fields.timestamp === 'string' ? Date.parse(fields.timestamp) : Number.NaN;
      events.push({ '@timestamp': Number.isNaN(timestamp) ? 0 : timestamp, '@message': line, '@log': group, fields });
    }
  }
  return events.sort((a, b) => a['@timestamp'] - b['@timestamp']);
}

/** The audit events (the `audit` field of the functions' log lines), in time order. */
export const auditEventsOf = (events: LogEvent[]) =>
  events
    .filter((event) => typeof event.fields.audit === 'object' && event.fields.audit !== null)
    .map((event) => event.fields.audit);
