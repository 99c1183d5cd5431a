import { describe, expect, it } from 'vitest';
import { alarmed, DRIFT_DEFAULTS, windowDrift, type WindowDrift } from '../../functions/monitoring/drift';
import { BinTally, type Baseline } from '../../functions/serving/baseline';
import { seededRandom } from '../../functions/training/random';
import { baselineOf, drawResult, drawValue } from '../support/baseline-draws';

/**
 * Whether drift alarms when, and only when, something moved (#24): hourly windows drawn from each shipped
 * tabular version's own baseline for 30 days, then the same with one thing changed. Rows are made value by
 * value and counted by the records' own BinTally, so the bins, PSI, thresholds and M-of-N rule are all the real ones.
 */
interface Change {
  /** Added to this feature's values, in its baseline standard deviations. */
  shift?: { feature: string; sigmas: number };
  labelShares?: number[];
}

function drawWindow(baseline: Baseline, rows: number, random: () => number, change: Change = {}): WindowDrift {
  const names = baseline.features.map((feature) => feature.name);
  const tally = new BinTally(baseline, names);
  for (let r = 0; r < rows; r += 1) {
    const values = baseline.features.map((feature) => {
      const value = drawValue(feature, random);
      return change.shift?.feature === feature.name ? value + change.shift.sigmas * feature.std! : value;
    });
    tally.add(values, drawResult(baseline, random, change.labelShares));
  }
  return windowDrift(baseline, tally.fields().bins);
}

/** Runs hourly windows; counts the windows that breach and those whose M-of-N rule raises the alarm. */
function simulate(baseline: Baseline, hours: number, rows: number, seed: number, changeFrom = Infinity, change: Change = {}) {
  const random = seededRandom(seed);
  const windows: WindowDrift[] = [];
  let breaches = 0;
  let alarms = 0;
  let firstAlarm: number | undefined;
  for (let hour = 0; hour < hours; hour += 1) {
    windows.push(drawWindow(baseline, rows, random, hour >= changeFrom ? change : {}));
    if (windows.at(-1)!.status === 'drift') breaches += 1;
    if (alarmed(windows)) {
      alarms += 1;
      firstAlarm ??= hour;
    }
  }
  return { windows, breaches, alarms, firstAlarm };
}

const HOURS = 30 * 24;
const MODELS = ['iris', 'sensor-anomaly'];

describe('30 days of hourly windows drawn from the baseline', () => {
  for (const model of MODELS) {
    it(`${model}: at most one alarm, and about 1 % of windows breaching at any window size`, () => {
      const baseline = baselineOf(model);
      for (const rows of [50, 200, 2_000]) {
        const { breaches, alarms } = simulate(baseline, HOURS, rows, 24 + rows);
        console.warn(`${model}, ${rows} rows an hour: ${breaches}/${HOURS} windows breaching, ${alarms} alarm(s)`);
        expect(alarms).toBeLessThanOrEqual(1);
        // 1 % of 720 is 7.2 (sd 2.7): 20 would be 4.7 sd away.
        expect(breaches).toBeLessThanOrEqual(20);
      }
    });
  }

  it('says not-enough-data below the minimum window, never drift', () => {
    const baseline = baselineOf('sensor-anomaly');
    const window = drawWindow(baseline, DRIFT_DEFAULTS.minRows - 1, seededRandom(1), {
      shift: { feature: 'Temperature', sigmas: 3 },
    });
    expect(window.status).toBe('not-enough-data');
    expect(window.features.every((feature) => !feature.breach)).toBe(true);
  });
});

describe('a stream that moved', () => {
  const sensor = baselineOf('sensor-anomaly');
  for (const feature of sensor.features.map((f) => f.name)) {
    it(`sensor-anomaly: +1σ on ${feature} alarms within 3 windows and names ${feature}`, () => {
      const { windows, firstAlarm } = simulate(sensor, 48, 200, 7, 24, { shift: { feature, sigmas: 1 } });
      console.warn(`sensor-anomaly +1σ ${feature}: alarm ${firstAlarm! - 24 + 1} window(s) after the shift`);
      expect(firstAlarm! - 24 + 1).toBeLessThanOrEqual(3);
      const after = windows.slice(24);
      expect(after.every((window) => window.features.find((f) => f.name === feature)!.breach)).toBe(true);
      // The other features stay under their thresholds (1 % false alarms per window, shared out).
      const others = after.flatMap((window) => window.features.filter((f) => f.name !== feature && f.breach));
      expect(others.length).toBeLessThanOrEqual(1);
    });
  }

  it('iris: a change in the label shares alarms within 3 windows on the output', () => {
    const { windows, firstAlarm } = simulate(baselineOf('iris'), 48, 200, 11, 24, { labelShares: [0.6, 0.2, 0.2] });
    console.warn(`iris labels 60/20/20: alarm ${firstAlarm! - 24 + 1} window(s) after the change`);
    expect(firstAlarm! - 24 + 1).toBeLessThanOrEqual(3);
    expect(windows.slice(24).every((window) => window.output.breach)).toBe(true);
  });
});
