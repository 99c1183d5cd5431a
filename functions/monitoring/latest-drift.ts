import { driftReport, type DriftAnswer, type DriftSources } from './drift-report';
import type { DriftReportStore } from './drift-store';

/**
 * GET /v1/models/{model}/drift without from/to: the latest scheduled report, as long as no record arrived after
 * the window it measured (one Query of at most one item says so); otherwise, or before any scheduled run, the
 * default window (`range`, the last hour) measured on demand. Someone who just sent rows is never shown a report
 * that has not seen them.
 */
export async function latestDrift(
  sources: DriftSources,
  reports: DriftReportStore,
  model: string,
  range: { from: string; to: string },
): Promise<DriftAnswer> {
  const stored = await reports.latest(model);
  if (stored) {
    const after = new Date(Date.parse(stored.window.to) + 1).toISOString();
    const newer = after <= range.to ? await sources.records.page({ model, from: after, to: range.to }, { limit: 1 }) : undefined;
    if (!newer?.items.length) return stored;
  }
  return driftReport(sources, model, range);
}
