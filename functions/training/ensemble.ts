import { performance } from 'node:perf_hooks';
import type { Dataset } from './dataset';
import { impute } from './impute';
import { seededRandom, shuffle } from './random';
import { binData, growTree, leafOf, type Tree } from './tree';

/**
 * A tree ensemble as ONNX's TreeEnsembleRegressor computes it: base + (sum or average of the leaves), then a
 * softmax for boosted classifiers. Missing values are imputed first with `fill`.
 */
export interface TreeEnsemble {
  kind: 'trees';
  fill: Float32Array;
  trees: Tree[];
  aggregate: 'SUM' | 'AVERAGE';
  base: number[];
  softmax: boolean;
  outputs: number;
}

export interface ForestParams {
  trees: number;
  maxDepth: number;
  minLeaf: number;
  /** Fraction of features drawn per node (1 = all; a single tree uses 1 and no bootstrap). */
  featureFraction: number;
  bootstrap: boolean;
}

export interface BoostingParams {
  rounds: number;
  maxDepth: number;
  /** Leaf-wise trees of at most this many leaves (tree.ts). */
  maxLeaves: number;
  learningRate: number;
  minLeaf: number;
  bins: number;
  /**
   * Above this many training rows, a seeded tenth of them is held out and the rounds stop once its loss has not
   * improved for `patience` rounds (scikit-learn's early stopping: 10,000 rows, 10 %, 10 rounds).
   */
  earlyStoppingRows: number;
  patience: number;
}

/** The held-out share of the rows under early stopping. */
const VALIDATION_FRACTION = 0.1;

/** Thrown when a fit passes its deadline: the search abandons that candidate (search.ts). */
export class DeadlinePassed extends Error {}

/** performance.now() after which a fit gives up; Infinity for none. */
function checkDeadline(deadline: number): void {
  if (performance.now() > deadline) throw new DeadlinePassed('time budget spent');
}

const outputsOf = (data: Dataset) => (data.task === 'classification' ? data.labels.length : 1);

/** Class one-hot or the target itself: what a forest's leaves average. */
function targets(data: Dataset, outputs: number): Float64Array {
  const g = new Float64Array(data.rows * outputs);
  for (let i = 0; i < data.rows; i += 1) {
    if (data.task === 'classification') g[i * outputs + data.y[i]!] = 1;
    else g[i] = data.y[i]!;
  }
  return g;
}

/** What every tree ensemble starts from: the imputed, binned rows and a seeded generator. */
function prepare(data: Dataset, fill: Float32Array, seed: number, bins?: number) {
  const width = data.features.length;
  const x = impute(data.x, fill);
  return { random: seededRandom(seed), width, x, binned: binData(x, data.rows, width, bins), outputs: outputsOf(data) };
}

export function fitForest(
  data: Dataset,
  fill: Float32Array,
  params: ForestParams,
  seed: number,
  deadline = Infinity,
): TreeEnsemble {
  const { random, width, binned, outputs } = prepare(data, fill, seed);
  const g = targets(data, outputs);
  const trees: Tree[] = [];
  const featuresPerNode = Math.max(1, Math.round(params.featureFraction * width));
  for (let k = 0; k < params.trees; k += 1) {
    checkDeadline(deadline);
    const rows = new Int32Array(data.rows);
    for (let i = 0; i < data.rows; i += 1) rows[i] = params.bootstrap ? Math.floor(random() * data.rows) : i;
    trees.push(
      growTree(binned, rows, g, null, outputs, {
        maxDepth: params.maxDepth,
        minLeaf: params.minLeaf,
        lambda: 0,
        featuresPerNode,
        scale: 1,
        random,
        oneHot: data.task === 'classification',
      }),
    );
  }
  return { kind: 'trees', fill, trees, aggregate: 'AVERAGE', base: new Array<number>(outputs).fill(0), softmax: false, outputs };
}

function softmaxInPlace(values: Float64Array, offset: number, width: number): void {
  let max = -Infinity;
  for (let t = 0; t < width; t += 1) max = Math.max(max, values[offset + t]!);
  let sum = 0;
  for (let t = 0; t < width; t += 1) {
    values[offset + t] = Math.exp(values[offset + t]! - max);
    sum += values[offset + t]!;
  }
  for (let t = 0; t < width; t += 1) values[offset + t] = values[offset + t]! / sum;
}

/** A seeded tenth of the rows to watch for early stopping (a flag per row), or none when the rows are few. */
function validationRows(rows: number, params: BoostingParams, random: () => number): Uint8Array | null {
  if (rows <= params.earlyStoppingRows) return null;
  const flags = new Uint8Array(rows);
  const order = shuffle(
    Array.from({ length: rows }, (_, i) => i),
    random,
  );
  for (const i of order.slice(0, Math.round(VALIDATION_FRACTION * rows))) flags[i] = 1;
  return flags;
}

/**
 * Gradient boosting as scikit-learn's HistGradientBoosting grows it by default (leaf-wise trees on 255 bins, early
 * stopping on large tables): squared error for regression; multinomial deviance for classes, one multi-output tree
 * per round with Newton leaves (sum of gradients over sum of p(1 - p)).
 */
export function fitBoosting(
  data: Dataset,
  fill: Float32Array,
  params: BoostingParams,
  seed: number,
  deadline = Infinity,
): TreeEnsemble {
  const { random, width, x, binned, outputs } = prepare(data, fill, seed, params.bins);
  const classification = data.task === 'classification';
  const y = targets(data, outputs);
  const held = validationRows(data.rows, params, random);
  const rows = Int32Array.from({ length: data.rows }, (_, i) => i).filter((i) => !held?.[i]);
  const base = new Array<number>(outputs).fill(0);
  for (const i of rows) for (let t = 0; t < outputs; t += 1) base[t]! += y[i * outputs + t]! / rows.length;
  if (classification) for (let t = 0; t < outputs; t += 1) base[t] = Math.log(Math.max(base[t]!, 1e-6));
  const raw = new Float64Array(data.rows * outputs);
  for (let i = 0; i < raw.length; i += 1) raw[i] = base[i % outputs]!;
  const g = new Float64Array(raw.length);
  const h = classification ? new Float64Array(raw.length) : null;
  const trees: Tree[] = [];
  const p = new Float64Array(outputs);
  const losses: number[] = [];
  for (let round = 0; round < params.rounds; round += 1) {
    checkDeadline(deadline);
    // The held-out rows' loss of the model so far; the others' gradients.
    let loss = 0;
    for (let i = 0; i < data.rows; i += 1) {
      if (!classification) {
        g[i] = y[i]! - raw[i]!;
        if (held?.[i]) loss += g[i]! * g[i]!;
        continue;
      }
      for (let t = 0; t < outputs; t += 1) p[t] = raw[i * outputs + t]!;
      softmaxInPlace(p, 0, outputs);
      if (held?.[i]) loss -= Math.log(Math.max(p[data.y[i]!]!, 1e-15));
      for (let t = 0; t < outputs; t += 1) {
        g[i * outputs + t] = y[i * outputs + t]! - p[t]!;
        h![i * outputs + t] = Math.max(p[t]! * (1 - p[t]!), 1e-6);
      }
    }
    if (held && stalled(losses, loss, params.patience)) break;
    const tree = growTree(binned, rows, g, h, outputs, {
      maxDepth: params.maxDepth,
      maxLeaves: params.maxLeaves,
      minLeaf: params.minLeaf,
      lambda: classification ? 1e-3 : 0,
      scale: params.learningRate,
      random,
    });
    trees.push(tree);
    for (let i = 0; i < data.rows; i += 1) {
      const leaf = leafOf(tree, x, i * width);
      for (let t = 0; t < outputs; t += 1) raw[i * outputs + t]! += leaf[t]!;
    }
  }
  return { kind: 'trees', fill, trees, aggregate: 'SUM', base, softmax: classification, outputs };
}

/**
 * Records the held-out loss; true when none of the last `patience` losses improved on the best one before them
 * (relative tolerance 1e-7, as scikit-learn's `tol`).
 */
function stalled(losses: number[], loss: number, patience: number): boolean {
  losses.push(loss);
  if (losses.length <= patience) return false;
  const before = Math.min(...losses.slice(0, -patience));
  return Math.min(...losses.slice(-patience)) > before * (1 - 1e-7);
}

export function predictEnsemble(model: TreeEnsemble, features: Float32Array, rows: number): Float64Array {
  const width = model.fill.length;
  const x = impute(features, model.fill);
  const out = new Float64Array(rows * model.outputs);
  const divide = model.aggregate === 'AVERAGE' ? model.trees.length : 1;
  for (let i = 0; i < rows; i += 1) {
    const offset = i * model.outputs;
    for (const tree of model.trees) {
      const leaf = leafOf(tree, x, i * width);
      for (let t = 0; t < model.outputs; t += 1) out[offset + t]! += leaf[t]!;
    }
    for (let t = 0; t < model.outputs; t += 1) out[offset + t] = out[offset + t]! / divide + model.base[t]!;
    if (model.softmax) softmaxInPlace(out, offset, model.outputs);
  }
  return out;
}

export { softmaxInPlace };
