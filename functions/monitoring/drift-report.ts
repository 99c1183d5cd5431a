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
  /** The version that answers when none is named: reported when the window holds no record. */
  servedVersion(model: string): Promise<string>;
  baselineOf(model: string, version: string): Promise<Baseline | undefined>;
}

/**
 * The drift of [from, to] against the baseline of the version that answered most of it, and the alarm over it
 * and the windows of the same length just before (one Query over them all, through the byModel index). Records of
 * other versions are left out: each version is compared with its own training data.
 */
export async function driftReport(
  sources: DriftSources,
  model: string,
  range: { from: string; to: string },
  settings: DriftSettings = DRIFT_DEFAULTS,
): Promise<DriftAnswer> {
  const end = Date.parse(range.to);
  const length = Math.max(1, end - Date.parse(range.from));
  const start = end - settings.windows * length;
  // Per window (oldest first), per version: the bins of its records.
  const windows: Array<Map<string, InputBins>> = Array.from({ length: settings.windows }, () => new Map());
  for await (const record of sources.records.each({ model, from: new Date(start).toISOString(), to: range.to })) {
    if (!record.bins || !record.modelVersion) continue;
    const index = Math.min(settings.windows - 1, Math.floor((Date.parse(record.createdAt) - start) / length));
    const window = windows[index]!;
    window.set(record.modelVersion, addBins(window.get(record.modelVersion), record.bins));
  }
  const current = [...windows.at(-1)!].sort(([, a], [, b]) => b.rows - a.rows);
  const version = current[0]?.[0] ?? (await sources.servedVersion(model));
  const baseline = await sources.baselineOf(model, version);
  if (!baseline) {
    throw new NotFoundError(`Model '${model}' version ${version} has no baseline to measure drift against.`);
  }
  const drifts = windows.map((window) => windowDrift(baseline, window.get(version), settings));
  const last = drifts.at(-1)!;
  return {
    model,
    version,
    window: { from: range.from, to: range.to, n: last.n },
    status: last.status,
    alarm: alarmed(drifts, settings),
    features: last.features,
    output: last.output,
  };
}
