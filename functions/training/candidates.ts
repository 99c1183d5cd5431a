import type { Dataset } from './dataset';
import { fitBoosting, fitForest, predictEnsemble, type TreeEnsemble } from './ensemble';
import { fitLinear, predictLinear, type LinearModel } from './linear';

/**
 * The mean of several fitted candidates' outputs (probabilities, or values): chosen when its cross-validated score
 * passes the best single candidate's (search.ts), exported as one graph ending in ONNX `Mean`.
 */
export interface AveragedModel {
  kind: 'average';
  members: SingleModel[];
  outputs: number;
}

export type SingleModel = TreeEnsemble | LinearModel;
export type Model = SingleModel | AveragedModel;

/** One model family with fixed, documented settings (close to scikit-learn's defaults where they are cheap). */
export interface Candidate {
  name: string;
  parameters: Record<string, unknown>;
  /**
   * Its fit stops at the deadline with the model it has instead of giving up: the first candidate, so that a tight
   * budget still yields a model, within the budget.
   */
  anytime?: true;
  /** `deadline` (performance.now() time): past it the fit throws DeadlinePassed, or stops (`anytime`). */
  fit(data: Dataset, fill: Float32Array, seed: number, deadline?: number): SingleModel;
}

export function predict(model: Model, x: Float32Array, rows: number): Float64Array {
  if (model.kind === 'average') return meanOf(model.members.map((member) => predict(member, x, rows)));
  return model.kind === 'linear' ? predictLinear(model, x, rows) : predictEnsemble(model, x, rows);
}

/** The element-wise mean of equally long outputs. */
export function meanOf(outputs: Float64Array[]): Float64Array {
  const mean = new Float64Array(outputs[0]!.length);
  for (const output of outputs) for (let i = 0; i < mean.length; i += 1) mean[i]! += output[i]! / outputs.length;
  return mean;
}

/** The cheapest first: when the time budget runs out, the costliest (the forest) is the one skipped. */
export function candidates(task: Dataset['task']): Candidate[] {
  const classification = task === 'classification';
  const linear = { l2: 1, iterations: 200 };
  const tree = { trees: 1, maxDepth: 8, minLeaf: 5, featureFraction: 1, bootstrap: false };
  // Regression trees grow until each leaf is nearly pure, so they stop earlier there to keep the forest's cost down.
  const forest = {
    trees: 100,
    maxDepth: classification ? 16 : 12,
    minLeaf: classification ? 1 : 5,
    featureFraction: classification ? 0.5 : 1 / 3,
    bootstrap: true,
  };
  // scikit-learn's HistGradientBoosting defaults (#26: its depth-3 trees on 64 bins were 0.016 behind on 10,000 x 20).
  const boosting = {
    rounds: 100,
    maxDepth: 30, // no bound: 31 leaves are never deeper
    maxLeaves: 31,
    learningRate: 0.1,
    minLeaf: 20,
    bins: 255,
    earlyStoppingRows: 10_000,
    patience: 10,
  };
  return [
    {
      name: classification ? 'logistic-regression' : 'ridge-regression',
      parameters: linear,
      anytime: true,
      fit: (data, fill, seed, deadline) => fitLinear(data, fill, linear, seed, deadline),
    },
    {
      name: 'decision-tree',
      parameters: tree,
      fit: (data, fill, seed, deadline) => fitForest(data, fill, tree, seed, deadline),
    },
    {
      name: 'gradient-boosting',
      parameters: boosting,
      fit: (data, fill, seed, deadline) => fitBoosting(data, fill, boosting, seed, deadline),
    },
    {
      name: 'random-forest',
      parameters: forest,
      fit: (data, fill, seed, deadline) => fitForest(data, fill, forest, seed, deadline),
    },
  ];
}
