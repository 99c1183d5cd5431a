import type { InputBins } from '../../records/input-bins';
import type { ModelRecords } from '../../records/model-records';
import type { Baseline } from '../../serving/baseline';
import { addBins, alarmed, DRIFT_DEFAULTS, windowDrift, type WindowDrift } from '../drift';
import { dayOf, type Month, type VersionDrift } from './audit-figures';
import { recordProblem } from './identifier-scan';

/** A model's month read for what only records tell: each version's daily drift and the raw-identifier scan. */
export interface RecordsReview {
  drift: Map<string, VersionDrift>;
  scanned: number;
  findings: string[];
}

/**
 * Daily windows (the hourly drift's windows summed by day: a month is read at the scale people read it) against
 * each version's baseline, with the same thresholds and the same 3-of-5 alarm as `vigie drift` (drift.ts).
 */
export function versionDrift(baseline: Baseline | undefined, days: Array<InputBins | undefined>): VersionDrift {
  if (!baseline) return { status: 'no-baseline', days: [], alarmDays: 0, breaches: {} };
  const windows: WindowDrift[] = days.map((bins) => windowDrift(baseline, bins, DRIFT_DEFAULTS));
  const breaches: Record<string, number> = {};
  for (const window of windows) {
    for (const feature of [...window.features, { name: '(answers)', ...window.output }]) {
      if (feature.breach) breaches[feature.name] = (breaches[feature.name] ?? 0) + 1;
    }
  }
  const alarmDays = windows.filter((_, i) => alarmed(windows.slice(0, i + 1), DRIFT_DEFAULTS)).length;
  const statuses = windows.map((window) => window.status);
  const status =
    alarmDays > 0 ? 'alarm' : statuses.includes('drift') ? 'drift' : statuses.includes('ok') ? 'ok' : 'not-enough-data';
  return { status, days: statuses, alarmDays, breaches };
}

export async function reviewRecords(
  records: ModelRecords,
  baselineOf: (model: string, version: string) => Promise<Baseline | undefined>,
  model: string,
  month: Month,
): Promise<RecordsReview> {
  const bins = new Map<string, Array<InputBins | undefined>>();
  const findings: string[] = [];
  let scanned = 0;
  for await (const record of records.each({ model, from: month.from, to: month.to })) {
    scanned += 1;
    const problem = recordProblem(record);
    if (problem) findings.push(problem);
    const version = record.modelVersion ?? '';
    const days = bins.get(version) ?? Array.from({ length: month.days }, () => undefined);
    bins.set(version, days);
    const day = dayOf(month, record.createdAt);
    if (record.bins && day >= 0 && day < month.days) days[day] = addBins(days[day], record.bins);
  }
  const drift = new Map<string, VersionDrift>();
  for (const [version, days] of bins) {
    // A version that is gone, or records refused before a version was chosen, have no baseline to compare with.
    const baseline = version ? await baselineOf(model, version).catch(() => undefined) : undefined;
    drift.set(version, versionDrift(baseline, days));
  }
  return { drift, scanned, findings };
}

/** Grace for DynamoDB TTL, which deletes expired items within a few days, not at the second (AWS documentation). */
export const TTL_GRACE_DAYS = 2;

/**
 * Records still held past their retention: their `expiresAt` more than the grace before now. Only records created
 * before `now − retention − grace` can be, so the Query reads those alone, through the byModel index.
 */
export async function countPastRetention(
  records: ModelRecords,
  model: string,
  now: Date,
  retentionDays: number,
): Promise<number> {
  const cutoff = now.getTime() - TTL_GRACE_DAYS * 86_400_000;
  const to = new Date(cutoff - retentionDays * 86_400_000).toISOString();
  let count = 0;
  for await (const record of records.each({ model, from: '1970-01-01T00:00:00.000Z', to })) {
    if (record.expiresAt * 1000 < cutoff) count += 1;
  }
  return count;
}
