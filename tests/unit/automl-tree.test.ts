import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../functions/training/random';
import { binData, growTree } from '../../functions/training/tree';

/** 600 rows of 6 features, 3 classes depending on two of them, as one-hot targets. */
function classes() {
  const random = seededRandom(5);
  const rows = 600;
  const width = 6;
  const x = Float32Array.from({ length: rows * width }, () => Math.round(random() * 100) / 10);
  const g = new Float64Array(rows * 3);
  for (let i = 0; i < rows; i += 1) g[i * 3 + (x[i * width]! + x[i * width + 1]! > 10 ? 2 : x[i * width]! > 5 ? 1 : 0)] = 1;
  return { binned: binData(x, rows, width), g, rows };
}

describe('histogram trees (#26: faster, the same trees)', () => {
  it('grows a deep classification tree of one-class leaves without searching them, node for node as the full search', () => {
    const { binned, g, rows } = classes();
    const bootstrap = (random: () => number) => Int32Array.from({ length: rows }, () => Math.floor(random() * rows));
    const grow = (oneHot: boolean) => {
      const random = seededRandom(9);
      const options = { maxDepth: 16, minLeaf: 1, lambda: 0, featuresPerNode: 3, scale: 1, random, oneHot };
      return [0, 1, 2].map(() => growTree(binned, bootstrap(random), g, null, 3, options));
    };
    const full = grow(false);
    const shortcut = grow(true);
    expect(full[0]!.feature.length).toBeGreaterThan(20);
    expect(shortcut).toEqual(full);
  });

  it('leaves the rows it is given in their order (the boosting passes the same rows every round)', () => {
    const { binned, g, rows } = classes();
    const order = Int32Array.from({ length: rows }, (_, i) => i);
    growTree(binned, order, g, null, 3, { maxDepth: 4, minLeaf: 5, lambda: 0, scale: 1, random: seededRandom(1) });
    expect(order).toEqual(Int32Array.from({ length: rows }, (_, i) => i));
  });
});
