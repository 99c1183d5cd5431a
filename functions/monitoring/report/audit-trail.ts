import type { Month, SubjectRequest } from './audit-figures';
import { logLineProblem } from './identifier-scan';

/** One line of a function's log, and where it is (its log group or file), for a finding to point at. */
export interface LogLine {
  line: string;
  where: string;
}

/**
 * The functions' log lines of a time range: locally the files of .local/logs/ (vigie report), in AWS the
 * Lambda log groups through CloudWatch Logs (functions/report/). Only the lines of the range are read.
 */
export type LogLines = (month: Month) => AsyncIterable<LogLine>;

export interface AuditTrailFigures {
  subjectRequests: SubjectRequest[];
  linesScanned: number;
  findings: string[];
}

/** A data-subject request's audit event, as the subjects function writes it (records/audit.ts). */
function subjectRequestOf(line: string, month: Month): SubjectRequest | undefined {
  if (!line.includes('"subject-')) return undefined;
  let audit: Record<string, unknown> | undefined;
  try {
    audit = (JSON.parse(line) as { audit?: Record<string, unknown> }).audit;
  } catch {
    return undefined;
  }
  if (!audit || (audit.event !== 'subject-erasure' && audit.event !== 'subject-export')) return undefined;
  const at = String(audit.timestamp);
  if (at < month.from || at > month.to) return undefined;
  return {
    at,
    kind: audit.event === 'subject-erasure' ? 'erasure' : 'export',
    // The pseudonym's first 8 hex: enough to tell requests apart in a month, too short to look anyone up.
    subject: `${String(audit.subjectPseudonym).slice(0, 11)}…`,
    predictions: Number(audit.predictions),
    files: Number(audit.files),
    ...(typeof audit.durationMs === 'number' && { durationMs: audit.durationMs }),
  };
}

/** Reads the month's log lines once: the subject requests they record, and the scan for raw identifiers. */
export async function readAuditTrail(lines: LogLines, month: Month): Promise<AuditTrailFigures> {
  const figures: AuditTrailFigures = { subjectRequests: [], linesScanned: 0, findings: [] };
  for await (const { line, where } of lines(month)) {
    figures.linesScanned += 1;
    const problem = logLineProblem(line, where);
    if (problem) figures.findings.push(problem);
    const request = subjectRequestOf(line, month);
    if (request) figures.subjectRequests.push(request);
  }
  figures.subjectRequests.sort((a, b) => a.at.localeCompare(b.at));
  return figures;
}
