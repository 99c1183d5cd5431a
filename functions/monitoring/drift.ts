import type { InputBins } from '../records/input-bins';
import type { Baseline } from '../serving/baseline';
import { psi, psiThreshold } from './psi';

/**
 * Drift of one window of records against its version's baseline (#24): PSI per feature and for the answers,
 * each against its own null threshold (psi.ts). The false alarms it allows are set once for the whole window:
 * `falseAlarmRate` is shared out among the features and the output (Bonferroni), so a window of a model with 8
 * features breaches by chance with probability at most `falseAlarmRate`, as one with 4 does.
 */
export interface DriftSettings {
  /** Chance that a window drawn from the baseline itself breaches: 1 %. */
  falseAlarmRate: number;
  /** Rows below which a window says `not-enough-data` instead of guessing: 50, ~5 per bin of ten. */
  minRows: number;
  /** An alarm takes `breaches` breaching windows among the last `windows` (3 of 5). */
  breaches: number;
  windows: number;
}

export const DRIFT_DEFAULTS: DriftSettings = { falseAlarmRate: 0.01, minRows: 50, breaches: 3, windows: 5 };

export interface PsiFigure {
  psi: number;
  threshold: number;
  breach: boolean;
}

export interface WindowDrift {
  n: number;
  status: 'ok' | 'drift' | 'not-enough-data';
  features: Array<{ name: string } & PsiFigure>;
  output: PsiFigure;
}

/** Adds records' bins up into a window's (a batch's record brings all its rows at once). */
export function addBins(into: InputBins | undefined, bins: InputBins): InputBins {
  if (!into) return { rows: bins.rows, features: structuredClone(bins.features), output: [...bins.output] };
  into.rows += bins.rows;
  for (const [name, counts] of Object.entries(bins.features)) {
    const total = (into.features[name] ??= counts.map(() => 0));
    counts.forEach((count, i) => (total[i] = (total[i] ?? 0) + count));
  }
  bins.output.forEach((count, i) => (into.output[i] = (into.output[i] ?? 0) + count));
  return into;
}

const rounded = (value: number) => Number(value.toPrecision(4));

function figure(counts: readonly number[] | undefined, shares: readonly number[], m: number, alpha: number, enough: boolean) {
  const n = (counts ?? []).reduce((sum, count) => sum + count, 0);
  if (!counts || n === 0) return { psi: 0, threshold: 0, breach: false };
  const value = psi(counts, shares, m);
  const threshold = psiThreshold(n, m, shares, alpha);
  // Values where the baseline had none (missing values, a label never given) cannot come from it: a breach.
  const unseen = counts.some((count, i) => count > 0 && shares[i] === 0);
  return { psi: rounded(value), threshold: rounded(threshold), breach: enough && (value > threshold || unseen) };
}

export function windowDrift(
  baseline: Baseline,
  bins: InputBins | undefined,
  settings: DriftSettings = DRIFT_DEFAULTS,
): WindowDrift {
  const n = bins?.rows ?? 0;
  const enough = n >= settings.minRows;
  const alpha = settings.falseAlarmRate / (baseline.features.length + 1);
  const features = baseline.features.map((feature) => ({
    name: feature.name,
    ...figure(bins?.features[feature.name], feature.shares, baseline.rows, alpha, enough),
  }));
  const output = figure(bins?.output, baseline.output.shares, baseline.rows, alpha, enough);
  const breach = features.some((feature) => feature.breach) || output.breach;
  return { n, status: enough ? (breach ? 'drift' : 'ok') : 'not-enough-data', features, output };
}

/** M of N: `windows` oldest first, the last being the one reported; an alarm needs `breaches` of the last N drifting. */
export function alarmed(windows: ReadonlyArray<Pick<WindowDrift, 'status'>>, settings: DriftSettings = DRIFT_DEFAULTS): boolean {
  return windows.slice(-settings.windows).filter((window) => window.status === 'drift').length >= settings.breaches;
}
