import type { DriftAnswer } from './drift-report';
import type { WindowDrift } from './drift';

/**
 * What the scheduled drift run keeps (#24): one report per model, version and window in the results bucket,
 * `drift/<model>/<version>/<window end>.json`, and a copy of the newest at `drift/<model>/latest.json`, which
 * GET /v1/models/{model}/drift serves and the next run reads its M-of-N state from.
 */
export interface ScheduledDriftReport extends DriftAnswer {
  generatedAt: string;
  /** This version's last scheduled windows, oldest first (at most N): the M-of-N state carried from run to run. */
  history: Array<{ to: string; status: WindowDrift['status'] }>;
}

export interface DriftReportStore {
  latest(model: string): Promise<ScheduledDriftReport | undefined>;
  /** Writes the window's report, then moves the model's latest copy to it. */
  save(report: ScheduledDriftReport): Promise<void>;
}

export const DRIFT_PREFIX = 'drift/';

export const driftReportKey = (report: Pick<DriftAnswer, 'model' | 'version' | 'window'>) =>
  `${DRIFT_PREFIX}${report.model}/${report.version}/${report.window.to}.json`;

export const latestDriftReportKey = (model: string) => `${DRIFT_PREFIX}${model}/latest.json`;
