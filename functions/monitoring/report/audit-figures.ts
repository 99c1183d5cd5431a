import type { WindowDrift } from '../drift';

/**
 * Everything the monthly audit report shows (#24), gathered once (collect.ts) and rendered by pure functions
 * (render-html.ts, render-pdf.ts, charts.ts, recommendations.ts): the figures are computed, never the text.
 */
export interface AuditFigures {
  /** `yyyy-mm`, UTC. */
  month: string;
  stage: string;
  generatedAt: string;
  gdpr: GdprFigures;
  models: VersionReport[];
  /** Alias moves, rollbacks, disables and enables of the month (the aliases table's log), oldest first. */
  lifecycle: LifecycleMove[];
  /** Decisions on versions dated in the month (their metadata's approval). */
  approvals: Approval[];
}

export interface GdprFigures {
  /** Erasures and exports answered in the month (their audit events), oldest first. */
  subjectRequests: SubjectRequest[];
  /** Records still held although their retention ended more than the grace TTL takes: should be 0. */
  pastRetention: { records: number; retentionDays: number };
  /** The scan for raw identifiers: what was read, and where something was found (the place, never the value). */
  rawIdentifiers: { recordsScanned: number; logLinesScanned: number; findings: string[] };
  /** The governance documents in force, by the SHA-256 of their text. */
  documents: Array<{ name: string; sha256: string; bytes: number }>;
}

export interface SubjectRequest {
  at: string;
  kind: 'erasure' | 'export';
  /** The subject's pseudonym, shortened: the report names no one. */
  subject: string;
  predictions: number;
  files: number;
  /** How long Vigie took to answer (absent for events written before it was measured). */
  durationMs?: number;
}

/** One model version's month: volume, outcomes, latency, uncertainty (model-figures.ts) and drift (records-review.ts). */
export interface VersionReport extends VersionFigures {
  model: string;
  drift: VersionDrift;
}

export interface VersionFigures {
  /** `''` for records refused before a version was chosen (an unknown model, an unreadable input). */
  version: string;
  /** The aliases that routed its predictions. */
  aliases: string[];
  predictions: number;
  succeeded: number;
  failed: number;
  rejected: number;
  errorsByCode: Record<string, number>;
  /** Over succeeded predictions, total milliseconds; undefined when none succeeded. */
  latencyMs?: { p50: number; p95: number };
  /** Succeeded answers marked uncertain. */
  uncertain: number;
  /** Per day of the month (index 0 = the 1st): predictions, and those that did not succeed. */
  daily: Array<{ predictions: number; unsuccessful: number }>;
}

export interface VersionDrift {
  /** `alarm` when 3 of 5 consecutive days drifted; `no-baseline` for versions without one (images, for now). */
  status: 'ok' | 'drift' | 'alarm' | 'not-enough-data' | 'no-baseline';
  /** Per day of the month, the daily window's status (empty when there is no baseline). */
  days: Array<WindowDrift['status']>;
  /** Days on which the M-of-N alarm stood. */
  alarmDays: number;
  /** Per feature (and `(answers)`), the days it breached; only those that did. */
  breaches: Record<string, number>;
}

export interface LifecycleMove {
  model: string;
  at: string;
  action: string;
  alias?: string;
  from?: string;
  to?: string;
  actor: string;
  reason: string;
}

export interface Approval {
  model: string;
  version: string;
  status: string;
  approver?: string;
  date: string;
}

/** A calendar month in UTC: its first and last instants and its number of days. */
export interface Month {
  month: string;
  from: string;
  to: string;
  days: number;
}

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function monthRange(month: string): Month {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new RangeError(`A month is yyyy-mm, not '${month}'.`);
  const [year, index] = [Number(match[1]), Number(match[2]) - 1];
  const start = Date.UTC(year, index, 1);
  const end = Date.UTC(year, index + 1, 1);
  return {
    month,
    from: new Date(start).toISOString(),
    to: new Date(end - 1).toISOString(),
    days: Math.round((end - start) / 86_400_000),
  };
}

/** The month before the one `now` is in: what the scheduled report covers on the 1st. */
export function previousMonth(now: Date): string {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return date.toISOString().slice(0, 7);
}

/** The day of the month (0-based) an ISO time falls on. */
export const dayOf = (month: Month, at: string) => Math.floor((Date.parse(at) - Date.parse(month.from)) / 86_400_000);
