import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINING_LIMITS } from '../../functions/platform/training-limits';
import { profileTable } from '../../functions/training/profile';
import { readTrainingCsv } from '../../functions/training/read-csv';
import { cvPlan, search } from '../../functions/training/search';

/** The search's selection (#26): repeated CV on small tables, and the averaged candidate. */
function table(rows: number) {
  const lines = ['a,b,y'];
  for (let i = 0; i < rows; i += 1) {
    const a = ((i * 37) % 101) / 10;
    const b = ((i * 53) % 97) / 10;
    lines.push(`${a},${b},${(a + 3 * Math.sin(b) + ((i * 7) % 5) / 5).toFixed(3)}`);
  }
  return profileTable(readTrainingCsv(new TextEncoder().encode(lines.join('\n')), DEFAULT_TRAINING_LIMITS), { target: 'y' }).data;
}

describe('the search', () => {
  it('repeats a 5-fold CV on small tables, and keeps 3 folds on large or wide ones', () => {
    expect(cvPlan(120)).toEqual({ folds: 5, repeats: 2 });
    expect(cvPlan(1_000)).toEqual({ folds: 5, repeats: 2 });
    expect(cvPlan(1_001)).toEqual({ folds: 3, repeats: 1 });
    expect(cvPlan(800, 420)).toEqual({ folds: 3, repeats: 1 });
  });

  it('lists the average of the two best candidates, scored on the same fits, and chooses the best CV', async () => {
    const result = await search(table(200), { metric: 'r2', timeBudgetSeconds: 30, seed: 42 });
    const scored = result.leaderboard.filter((e) => e.status === 'scored');
    const averaged = scored.find((e) => e.candidate.startsWith('average('))!;
    const singles = scored.filter((e) => e !== averaged).sort((a, b) => b.cvScore! - a.cvScore!);
    expect(averaged.parameters).toEqual({ members: singles.slice(0, 2).map((e) => e.candidate) });
    expect(averaged.foldScores).toHaveLength(10);
    expect(result.chosen.cvScore).toBe(Math.max(...scored.map((e) => e.cvScore!)));
    expect(result.model.kind === 'average').toBe(result.chosen === averaged);
    console.warn(result.leaderboard.map((e) => `${e.candidate} ${e.cvScore}`).join('; '));
  });
});
