import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditEventsOf, readLogEvents } from '../../scripts/audit/log-events';
import { jsonSchemaValidator } from './json-schema';

const EMAIL = /[\w.+-]+@[\w-]+\.[\w.]+/;

/**
 * What the compliance officer expects of any log a platform run leaves, whatever the test did: every audit
 * event valid against governance/schemas/audit-event.schema.json, and no line holding one of the raw values
 * given (identifiers, keys) or anything shaped like an e-mail address. Returns the problems found.
 */
export function auditLogProblems(logsDir: string, rawValues: string[]): string[] {
  const validate = jsonSchemaValidator('governance/schemas/audit-event.schema.json');
  const problems = auditEventsOf(readLogEvents(logsDir)).flatMap((event) =>
    validate(event).map((error) => `audit event ${JSON.stringify(event).slice(0, 120)}…: ${error}`),
  );
  for (const file of readdirSync(logsDir)) {
    readFileSync(join(logsDir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const leaked = rawValues.find((value) => line.includes(value)) ?? EMAIL.exec(line)?.[0];
        if (leaked) problems.push(`${file}:${i + 1} holds '${leaked}'`);
      });
  }
  return problems;
}
