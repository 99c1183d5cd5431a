import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { trainFromCsv, type TrainingRequest } from '../../functions/training/train';
import { baselineSchema } from '../../functions/serving/baseline';

/** The whole `trainFromCsv` (read, profile, search, export, the export check) on small generated tables. */
const request = (target: string, timeBudgetSeconds = 5): TrainingRequest => ({
  model: 'test-model',
  version: '1.0.0',
  target,
  timeBudgetSeconds,
  source: 'unit test',
  codeCommit: null,
  ownerContact: 'ml-platform@vigie.example',
});

const csv = (lines: string[]) => new TextEncoder().encode(`${lines.join('\n')}\n`);

describe('the export check', () => {
  it('accepts a regression on ordinary magnitudes (y = 12345.678·x, house prices)', async () => {
    const lines = ['x,surface,price'];
    for (let i = 0; i < 200; i += 1) {
      const x = 10 + ((i * 37) % 190);
      lines.push(`${x},${40 + ((i * 13) % 160)},${(12345.678 * x).toFixed(3)}`);
    }
    const outcome = await trainFromCsv(csv(lines), request('price'), DEFAULT_TRAINING_LIMITS, () => {});
    expect(outcome.task).toBe('regression');
    expect(outcome.metadata.metrics?.heldOut).toMatchObject({ r2: expect.any(Number) });
  });
});

describe('the drift baseline of a trained version (#24)', () => {
  it('is built from the held-out rows and the answers the version gives them, and passes the baseline schema', async () => {
    const lines = ['size,colour,kind'];
    for (let i = 0; i < 300; i += 1) {
      const size = (i * 37) % 100;
      lines.push(`${size},${['red', 'green', 'blue'][i % 3]},${size > 50 ? 'big' : 'small'}`);
    }
    const outcome = await trainFromCsv(csv(lines), request('kind', 3), DEFAULT_TRAINING_LIMITS, () => {});
    const baseline = baselineSchema.parse(outcome.metadata.baseline);
    const heldOut = outcome.metadata.training.data.split.heldOutCount as number;
    expect(baseline.rows).toBe(heldOut);
    expect(baseline.features.map((feature) => feature.name)).toEqual(['size', 'colour']);
    // A number binned at its quantiles, a category one bin per value; none missing.
    expect(baseline.features[0]!.edges!.length).toBeGreaterThanOrEqual(5);
    expect(baseline.features[1]!.shares).toHaveLength(4);
    expect(baseline.features[1]!.shares.at(-1)).toBe(0);
    // The answers' shares: about half big, half small, as the model answers the held-out rows.
    expect(baseline.output).toMatchObject({ kind: 'labels' });
    const shares = baseline.output.shares;
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 9);
    for (const share of shares) expect(share).toBeGreaterThan(0.3);
  });
});
