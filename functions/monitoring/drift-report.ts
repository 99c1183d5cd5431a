import { NotFoundError } from '../platform/errors';
import type { InputBins } from '../records/input-bins';
import type { ModelRecords } from '../records/model-records';
import type { Baseline } from '../serving/baseline';
import { addBins, alarmed, DRIFT_DEFAULTS, windowDrift, type DriftSettings, type PsiFigure, type WindowDrift } from './drift';

/** The contract of `vigie drift` and GET /v1/models/{model}/drift (docs/architecture.md, "Monitoring"). */
export interface DriftAnswer {
  model: string;
  version: string;
  window: { from: string; to: string; n: number };
  status: WindowDrift['status'];
  /** `breaches` of the last `windows` windows of this length drifted (3 of 5). */
  alarm: boolean;
  features: Array<{ name: string } & PsiFigure>;
  output: PsiFigure;
}

export interface DriftSources {
  records: ModelRecords;
  /** The version that answers when none is named (production's): reported when the window holds no record. */
  servedVersion(model: string): Promise<string>;
  baselineOf(model: string, version: string): Promise<Baseline | undefined>;
}

/** A range of time cut into `count` windows of its length, the last ending at `to`. */
export interface MeasuredWindows {
  version: string;
  /** Oldest first; the last is [from, to]. */
  drifts: WindowDrift[];
}

/**
 * The drift of [from, to] and of the `count - 1` windows of the same length just before it (one Query over them
 * all, through the byModel index), against the baseline of the version that answered most of [from, to]. Records
 * of other versions are left out: each version is compared with its own training data.
 */
export async function measureWindows(
  sources: DriftSources,
  model: string,
  range: { from: string; to: string },
  count: number,
  settings: DriftSettings = DRIFT_DEFAULTS,
): Promise<MeasuredWindows> {
  const end = Date.parse(range.to);
  const length = Math.max(1, end - Date.parse(range.from));
  const start = end - count * length;
  // Per window (oldest first), per version: the bins of its records.
  const windows: Array<Map<string, InputBins>> = Array.from({ length: count }, () => new Map());
  for await (const record of sources.records.each({ model, from: new Date(start).toISOString(), to: range.to })) {
    if (!record.bins || !record.modelVersion) continue;
    const index = Math.min(count - 1, Math.floor((Date.parse(record.createdAt) - start) / length));
    const window = windows[index]!;
    window.set(record.modelVersion, addBins(window.get(record.modelVersion), record.bins));
  }
  const current = [...windows.at(-1)!].sort(([, a], [, b]) => b.rows - a.rows);
  const version = current[0]?.[0] ?? (await sources.servedVersion(model));
  const baseline = await sources.baselineOf(model, version);
  if (!baseline) {
    throw new NotFoundError(`Model '${model}' version ${version} has no baseline to measure drift against.`);
  }
  return { version, drifts: windows.map((window) => windowDrift(baseline, window.get(version), settings)) };
}

/** The answer for the window [from, to], given whether the M-of-N rule raised the alarm over it. */
export const driftAnswer = (
  model: string,
  version: string,
  range: { from: string; to: string },
  last: WindowDrift,
  alarm: boolean,
): DriftAnswer => ({
  model,
  version,
  window: { from: range.from, to: range.to, n: last.n },
  status: last.status,
  alarm,
  features: last.features,
  output: last.output,
});

/** The drift of [from, to], on demand: the alarm over it and the windows of the same length just before. */
export async function driftReport(
  sources: DriftSources,
  model: string,
  range: { from: string; to: string },
  settings: DriftSettings = DRIFT_DEFAULTS,
): Promise<DriftAnswer> {
  const { version, drifts } = await measureWindows(sources, model, range, settings.windows, settings);
  return driftAnswer(model, version, range, drifts.at(-1)!, alarmed(drifts, settings));
}
