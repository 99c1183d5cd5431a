import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../../functions/training/columns';
import { imputationValues } from '../../functions/training/impute';
import { fitLinear, MAX_INDICATORS } from '../../functions/training/linear';
import { profileTable } from '../../functions/training/profile';
import { seededRandom } from '../../functions/training/random';
import { search } from '../../functions/training/search';

/**
 * Issue #20.13: `timeBudgetSeconds` did not bound the first (linear) candidate: 20 category columns of 50 values
 * (an 83 KB file) made a design of 1000 columns, and a 5 s budget took 20 to 54 s. Every candidate is now bounded,
 * and so is the one-hot width.
 */
function wideTable(task: 'classification' | 'regression', rows = 1000, columns = 20, values = 50) {
  const random = seededRandom(1);
  const header = [...Array.from({ length: columns }, (_, j) => `c${j}`), 'target'];
  const body = Array.from({ length: rows }, () => {
    const cells = Array.from({ length: columns }, () => Math.floor(random() * values));
    const signal = (cells[0]! % 3) + (cells[1]! % 2) + random();
    const target = task === 'regression' ? signal.toFixed(3) : ['low', 'mid', 'high'][Math.min(2, Math.floor(signal))]!;
    return [...cells.map((cell) => `v${cell}`), target];
  });
  return profileTable(tableFromRows(header, body), { target: 'target' });
}

describe('the one-hot width', () => {
  it(`gives at most ${MAX_INDICATORS} indicators to a category column, the others one 'other' level, and says so`, () => {
    const { data, report } = wideTable('classification');
    const model = fitLinear(data, imputationValues(data), { l2: 1, iterations: 1 });
    expect(model.design.source.length).toBe(20 * MAX_INDICATORS);
    expect(report.encodings).toHaveLength(20);
    for (const encoding of report.encodings) {
      expect(encoding.values).toHaveLength(50);
      expect(encoding.encoding).toContain(`one 'other' level for the ${50 - MAX_INDICATORS} others`);
    }
  });

  it('keeps one indicator per value for a column of few values', () => {
    const { data, report } = wideTable('classification', 200, 3, 6);
    expect(data.indicators).toBeUndefined();
    expect(fitLinear(data, imputationValues(data), { l2: 1, iterations: 1 }).design.source).toHaveLength(18);
    expect(report.encodings[0]!.encoding).toBe('index (trees); one indicator per value (linear models)');
  });
});

describe('the linear fit', () => {
  it('stops at its deadline with the model it has', () => {
    const { data } = wideTable('classification', 3000);
    const started = performance.now();
    const model = fitLinear(data, imputationValues(data), { l2: 1, iterations: 100_000 }, 1, started + 300);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(model.weights.every(Number.isFinite)).toBe(true);
  });
});

describe.each(['classification', 'regression'] as const)(
  'a 5 s budget on 20 category columns of 50 values, %s',
  { timeout: 60_000 },
  (task) => {
    it('bounds the whole search, the first candidate included', async () => {
      const { data } = wideTable(task);
      const started = performance.now();
      const result = await search(data, { metric: task === 'regression' ? 'r2' : 'accuracy', timeBudgetSeconds: 5, seed: 42 });
      const seconds = (performance.now() - started) / 1000;
      // The budget, then the refit of the chosen candidate on top (at most half again one fold of it).
      expect(seconds).toBeLessThan(10);
      expect(result.leaderboard[0]!.status).toBe('scored');
      expect(result.leaderboard[0]!.fitSeconds).toBeLessThan(7);
    });
  },
);
