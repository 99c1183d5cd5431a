import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { trainFromCsv, type TrainingRequest } from '../../functions/training/train';

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
