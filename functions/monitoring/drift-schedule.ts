import { ModelNotApprovedError, NotFoundError } from '../platform/errors';
import { logger } from '../platform/telemetry';
import { alarmed, DRIFT_DEFAULTS, type DriftSettings } from './drift';
import { driftAnswer, measureWindows, type DriftSources } from './drift-report';
import type { DriftReportStore, ScheduledDriftReport } from './drift-store';

export interface ScheduledDriftDeps extends DriftSources {
  reports: DriftReportStore;
  models(): Promise<string[]>;
  /** Each report told to the logs and the metrics (drift-observability.ts). */
  emit(report: ScheduledDriftReport): void;
}

/**
 * The window a run measures for a model: from where the previous run stopped (no record falls between two runs,
 * however late a run starts), or `windowMs` back when there was none or it is too old to join up with.
 */
function windowOf(previous: ScheduledDriftReport | undefined, end: Date, windowMs: number) {
  const to = end.toISOString();
  const joined = previous && previous.window.to < to && end.getTime() - Date.parse(previous.window.to) <= 2 * windowMs;
  return { from: joined ? previous.window.to : new Date(end.getTime() - windowMs).toISOString(), to };
}

/**
 * One scheduled drift run (hourly in AWS, every few minutes on the local platform, #24): for each model whose
 * answering version has a baseline, the drift of the window since the last run, the M-of-N alarm over this
 * version's last N scheduled windows (kept in the previous report, so it is the windows really measured, not
 * re-read), a report stored per window with the model's latest copy, and its figures as metrics. A model
 * without a baseline (or with no version approved yet) is skipped; one model's failure does not stop the others',
 * and the run then fails, so that the function's errors show it.
 */
export async function runScheduledDrift(
  deps: ScheduledDriftDeps,
  end: Date,
  windowMs: number,
  settings: DriftSettings = DRIFT_DEFAULTS,
): Promise<ScheduledDriftReport[]> {
  const reports: ScheduledDriftReport[] = [];
  const failed: string[] = [];
  for (const model of await deps.models()) {
    try {
      const previous = await deps.reports.latest(model);
      // A retry of a run already done (the same scheduled time) finds its report written.
      if (previous?.window.to === end.toISOString()) continue;
      const range = windowOf(previous, end, windowMs);
      const { version, drifts } = await measureWindows(deps, model, range, 1, settings);
      const last = drifts[0]!;
      const earlier = previous?.version === version ? previous.history : [];
      const history = [...earlier, { to: range.to, status: last.status }].slice(-settings.windows);
      const report: ScheduledDriftReport = {
        ...driftAnswer(model, version, range, last, alarmed(history, settings)),
        generatedAt: new Date().toISOString(),
        history,
      };
      await deps.reports.save(report);
      deps.emit(report);
      reports.push(report);
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ModelNotApprovedError) continue;
      logger.error('scheduled drift failed for a model', { model, error: error as Error });
      failed.push(model);
    }
  }
  if (failed.length > 0) throw new Error(`The scheduled drift failed for ${failed.join(', ')} (see the log).`);
  return reports;
}
