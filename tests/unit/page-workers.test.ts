import { describe, expect, it } from 'vitest';
import type { PageConditions } from '../../scripts/evaluation/pages/conditions';
import { photographPage, REALISTIC_SET } from '../../scripts/evaluation/pages/set';
import { photographInWorkers } from '../../scripts/evaluation/pages/workers';
import { heldOutDigits } from '../../scripts/samples/mnist';

/** The realistic set drawn in worker threads (issue #27's test time) must be the set one thread draws. */
describe('photographInWorkers', () => {
  it('draws, on every core, the very pages one thread draws (same bytes, same conditions), blank ones included', async () => {
    const digits = heldOutDigits({ method: 'per-class-tail', heldOutFraction: 0.15 }).slice(0, 3);
    const options = { ...REALISTIC_SET, paintSide: 300 };
    const pages = new Map<number, { bytes: Buffer; conditions: PageConditions }>();
    await photographInWorkers(
      4,
      (i) => digits[i],
      options,
      (i, bytes, conditions) => pages.set(i, { bytes, conditions }),
    );
    expect([...pages.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const [i, page] of pages) {
      const alone = await photographPage(i, digits[i], options);
      expect(page.bytes.equals(alone.bytes), `page ${i}`).toBe(true);
      expect(page.conditions).toEqual(alone.conditions);
    }
  }, 60_000);
});
