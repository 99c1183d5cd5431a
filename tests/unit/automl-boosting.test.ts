import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../functions/training/dataset';
import { fitBoosting, type BoostingParams } from '../../functions/training/ensemble';
import { seededRandom } from '../../functions/training/random';
import { binData, growTree, type Tree } from '../../functions/training/tree';

/** `rows` rows of 5 features; y depends on the first two, plus noise (or is only noise). */
function table(rows: number, noiseOnly = false): { x: Float32Array; y: Float64Array; width: number } {
  const random = seededRandom(3);
  const width = 5;
  const x = Float32Array.from({ length: rows * width }, () => random() * 10);
  const y = Float64Array.from({ length: rows }, (_, i) => {
    const signal = noiseOnly ? 0 : Math.sin(x[i * width]!) * 3 + (x[i * width + 1]! > 5 ? 2 : 0);
    return signal + random();
  });
  return { x, y, width };
}

/** The node each row lands in. */
function leafIndex(tree: Tree, x: Float32Array, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = x[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return node;
}

const grow = (rows: number, options: { maxDepth: number; maxLeaves?: number; minLeaf: number }) => {
  const { x, y, width } = table(rows);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const tree = growTree(binData(x, rows, width, 255), order, y, null, 1, {
    ...options,
    lambda: 0,
    scale: 1,
    random: seededRandom(1),
  });
  return { tree, x, width };
};

const boosting: BoostingParams = {
  rounds: 100,
  maxDepth: 30,
  maxLeaves: 31,
  learningRate: 0.1,
  minLeaf: 20,
  bins: 255,
  earlyStoppingRows: 1000,
  patience: 10,
};

function regression(rows: number, noiseOnly: boolean): Dataset {
  const { x, y } = table(rows, noiseOnly);
  const features = Array.from({ length: 5 }, (_, j) => ({ name: `f${j}`, type: 'number' as const, required: true }));
  return { task: 'regression', features, labels: [], x, y, rows };
}

describe('leaf-wise boosting trees (#26: scikit-learn HistGradientBoosting defaults)', () => {
  it('grows exactly maxLeaves leaves when the rows allow it, each holding at least minLeaf rows', () => {
    const rows = 2000;
    const { tree, x, width } = grow(rows, { maxDepth: 30, maxLeaves: 31, minLeaf: 20 });
    const sizes = new Map<number, number>();
    for (let i = 0; i < rows; i += 1) {
      const leaf = leafIndex(tree, x, i * width);
      sizes.set(leaf, (sizes.get(leaf) ?? 0) + 1);
    }
    expect(tree.feature.filter((f) => f < 0)).toHaveLength(31);
    expect(sizes.size).toBe(31);
    expect(Math.min(...sizes.values())).toBeGreaterThanOrEqual(20);
  });

  it('splits the leaf of the largest gain first: two leaves are the depth-1 tree', () => {
    expect(grow(500, { maxDepth: 30, maxLeaves: 2, minLeaf: 20 }).tree).toEqual(grow(500, { maxDepth: 1, minLeaf: 20 }).tree);
  });

  it('is not bound by depth like the depth-first trees: 31 leaves reach deeper than 5 levels on a skewed target', () => {
    const { tree } = grow(2000, { maxDepth: 30, maxLeaves: 31, minLeaf: 20 });
    const depth = (node: number): number =>
      tree.feature[node]! < 0 ? 0 : 1 + Math.max(depth(tree.left[node]!), depth(tree.right[node]!));
    expect(depth(0)).toBeGreaterThan(5);
  });

  it('stops early on a noise target above earlyStoppingRows, runs every round at or below it', () => {
    const noise = fitBoosting(regression(2000, true), new Float32Array(5), boosting, 7);
    console.warn(`noise target: ${noise.trees.length} rounds of ${boosting.rounds}`);
    expect(noise.trees.length).toBeLessThan(40);
    const small = fitBoosting(regression(1000, true), new Float32Array(5), boosting, 7);
    expect(small.trees).toHaveLength(boosting.rounds);
    const signal = fitBoosting(regression(2000, false), new Float32Array(5), boosting, 7);
    console.warn(`signal target: ${signal.trees.length} rounds of ${boosting.rounds}`);
    expect(signal.trees.length).toBeGreaterThan(noise.trees.length);
  });
});
