import { auditEventSchema } from '../../records/audit';
import type { PredictionRecord } from '../../records/records';

/**
 * The scan for raw identifiers the audit report counts (GDPR: records and logs hold pseudonyms only). A raw
 * identifier cannot be recognised by its value in general, so the scan checks what the contract allows: the
 * fields that name people hold keyed-HMAC pseudonyms, audit events pass their strict schema (which refuses any
 * undeclared field), and no text anywhere is shaped like an e-mail address, the identifier people most often
 * send as a subject id. governance.test.ts runs the same kind of scan with the raw values it sent.
 */
export const PSEUDONYM = /^ps_[0-9a-f]{32}$/;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/;

/** What is wrong with a record, if anything: the field, never the value. */
export function recordProblem(record: PredictionRecord): string | undefined {
  for (const field of ['subjectId', 'callerId'] as const) {
    const value = record[field];
    if (value !== undefined && !PSEUDONYM.test(value)) return `record ${record.predictionId}: ${field} is not a pseudonym`;
  }
  if (EMAIL.test(JSON.stringify(record))) return `record ${record.predictionId}: holds an e-mail address`;
  return undefined;
}

/** What is wrong with a log line, if anything: an audit event off its schema, or an e-mail address. */
export function logLineProblem(line: string, where: string): string | undefined {
  if (EMAIL.test(line)) return `${where}: holds an e-mail address`;
  if (!line.startsWith('{')) return undefined;
  let fields: { audit?: unknown };
  try {
    fields = JSON.parse(line) as { audit?: unknown };
  } catch {
    return undefined;
  }
  if (fields.audit === undefined) return undefined;
  return auditEventSchema.safeParse(fields.audit).success ? undefined : `${where}: an audit event outside its schema`;
}
