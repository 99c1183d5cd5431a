import { performance } from 'node:perf_hooks';
import { Matrix, solve } from 'ml-matrix';
import type { Dataset } from './dataset';
import { softmaxInPlace } from './ensemble';
import { impute } from './impute';
import { seededRandom, shuffle } from './random';

/**
 * Indicators of one category column in a linear design, at most: its other values share one 'other' level (every
 * indicator 0). The design's width d drives the fit's cost (rows·d per gradient step, rows·d² + d³ for ridge): 20
 * columns of 50 values made d = 1000 and a 5 s budget took 20 s (issue #20.13).
 */
export const MAX_INDICATORS = 20;

/**
 * The values of a category column that get their own indicator, by index: all of them up to MAX_INDICATORS, else
 * the most frequent (ties to the first value), in value order. Chosen by the profile on the column's cells alone,
 * never the target.
 */
export function indicatorLevels(counts: readonly number[]): number[] {
  if (counts.length <= MAX_INDICATORS) return counts.map((_, k) => k);
  const order = counts.map((_, k) => k).sort((a, b) => counts[b]! - counts[a]! || a - b);
  return order.slice(0, MAX_INDICATORS).sort((a, b) => a - b);
}

/**
 * The design a linear model sees, built in the ONNX graph the same way: each design column reads one input feature
 * (`source`); a number is standardised ((x - centre) / scale), a category becomes one indicator per known value
 * (x == centre).
 */
export interface Design {
  source: number[];
  centre: number[];
  scale: number[];
  indicator: boolean[];
}

export interface LinearModel {
  kind: 'linear';
  fill: Float32Array;
  design: Design;
  /** [design columns × outputs], row-major. */
  weights: Float64Array;
  bias: Float64Array;
  softmax: boolean;
  outputs: number;
}

export interface LinearParams {
  /** L2 penalty on the standardised weights. */
  l2: number;
  /** Gradient steps of the logistic regression, at most: it stops earlier at its deadline. */
  iterations: number;
}

function buildDesign(data: Dataset, x: Float32Array): Design {
  const width = data.features.length;
  const design: Design = { source: [], centre: [], scale: [], indicator: [] };
  data.features.forEach((feature, j) => {
    if (feature.type === 'category') {
      (data.indicators?.[j] ?? feature.values.map((_, k) => k)).forEach((k) => {
        design.source.push(j);
        design.centre.push(k);
        design.scale.push(1);
        design.indicator.push(true);
      });
      return;
    }
    let mean = 0;
    for (let i = 0; i < data.rows; i += 1) mean += x[i * width + j]! / data.rows;
    let variance = 0;
    for (let i = 0; i < data.rows; i += 1) variance += (x[i * width + j]! - mean) ** 2 / data.rows;
    design.source.push(j);
    design.centre.push(mean);
    design.scale.push(Math.sqrt(variance) || 1);
    design.indicator.push(false);
  });
  return design;
}

function expand(design: Design, x: Float32Array, rows: number, width: number): Float64Array {
  const d = design.source.length;
  const z = new Float64Array(rows * d);
  for (let i = 0; i < rows; i += 1) {
    for (let c = 0; c < d; c += 1) {
      const value = x[i * width + design.source[c]!]!;
      z[i * d + c] = design.indicator[c] ? Number(value === design.centre[c]) : (value - design.centre[c]!) / design.scale[c]!;
    }
  }
  return z;
}

/**
 * Ridge regression, solved exactly on the normal equations. The Gram matrix is summed row by row in a seeded
 * random order; at the deadline the sum stops and the solve uses the rows summed so far (a random sample of them).
 */
function fitRidge(z: Float64Array, y: Float64Array, rows: number, d: number, l2: number, seed: number, deadline: number) {
  const yMean = y.reduce((a, b) => a + b, 0) / rows;
  const zMean = new Float64Array(d);
  for (let i = 0; i < rows; i += 1) for (let c = 0; c < d; c += 1) zMean[c]! += z[i * d + c]! / rows;
  const gram = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  const centred = new Float64Array(d);
  const order = shuffle(
    Array.from({ length: rows }, (_, i) => i),
    seededRandom(seed),
  );
  for (const [n, i] of order.entries()) {
    if (n % 64 === 63 && performance.now() > deadline) break;
    for (let c = 0; c < d; c += 1) centred[c] = z[i * d + c]! - zMean[c]!;
    const residual = y[i]! - yMean;
    for (let a = 0; a < d; a += 1) {
      const za = centred[a]!;
      rhs[a]! += za * residual;
      for (let b = a; b < d; b += 1) gram[a * d + b]! += za * centred[b]!;
    }
  }
  const matrix = Matrix.zeros(d, d);
  for (let a = 0; a < d; a += 1) {
    for (let b = a; b < d; b += 1) {
      matrix.set(a, b, gram[a * d + b]! + (a === b ? l2 : 0));
      matrix.set(b, a, gram[a * d + b]! + (a === b ? l2 : 0));
    }
  }
  const w = solve(matrix, Matrix.columnVector(Array.from(rhs))).getColumn(0);
  const bias = yMean - w.reduce((sum, wc, c) => sum + wc * zMean[c]!, 0);
  return { weights: Float64Array.from(w), bias: Float64Array.of(bias) };
}

/**
 * Multinomial logistic regression by full-batch gradient descent with Nesterov momentum on standardised inputs; at
 * the deadline it stops after the step under way, with the weights it has (one step at least).
 */
function fitSoftmax(
  z: Float64Array,
  y: Float64Array,
  rows: number,
  d: number,
  classes: number,
  params: LinearParams,
  deadline: number,
) {
  const w = new Float64Array(d * classes);
  const b = new Float64Array(classes);
  const vw = new Float64Array(w.length);
  const vb = new Float64Array(classes);
  const p = new Float64Array(classes);
  const rate = 0.5;
  for (let it = 0; it < params.iterations; it += 1) {
    const gw = new Float64Array(w.length);
    const gb = new Float64Array(classes);
    const lw = w.map((value, k) => value + 0.9 * vw[k]!);
    const lb = b.map((value, k) => value + 0.9 * vb[k]!);
    for (let i = 0; i < rows; i += 1) {
      for (let t = 0; t < classes; t += 1) {
        let s = lb[t]!;
        for (let c = 0; c < d; c += 1) s += z[i * d + c]! * lw[c * classes + t]!;
        p[t] = s;
      }
      softmaxInPlace(p, 0, classes);
      for (let t = 0; t < classes; t += 1) {
        const err = (p[t]! - Number(y[i] === t)) / rows;
        gb[t]! += err;
        for (let c = 0; c < d; c += 1) gw[c * classes + t]! += err * z[i * d + c]!;
      }
    }
    for (let k = 0; k < w.length; k += 1) {
      vw[k] = 0.9 * vw[k]! - rate * (gw[k]! + (params.l2 / rows) * lw[k]!);
      w[k]! += vw[k]!;
    }
    for (let t = 0; t < classes; t += 1) {
      vb[t] = 0.9 * vb[t]! - rate * gb[t]!;
      b[t]! += vb[t]!;
    }
    if (performance.now() > deadline) break;
  }
  return { weights: w, bias: b };
}

/**
 * A linear model of the data. It never gives up at `deadline` (a performance.now() time): it stops there with the
 * model it has, so the search's first candidate always yields one, within the budget.
 */
export function fitLinear(data: Dataset, fill: Float32Array, params: LinearParams, seed = 0, deadline = Infinity): LinearModel {
  const width = data.features.length;
  const x = impute(data.x, fill);
  const design = buildDesign(data, x);
  const d = design.source.length;
  const z = expand(design, x, data.rows, width);
  if (data.task === 'regression') {
    return {
      kind: 'linear',
      fill,
      design,
      ...fitRidge(z, data.y, data.rows, d, params.l2, seed, deadline),
      softmax: false,
      outputs: 1,
    };
  }
  const classes = data.labels.length;
  return {
    kind: 'linear',
    fill,
    design,
    ...fitSoftmax(z, data.y, data.rows, d, classes, params, deadline),
    softmax: true,
    outputs: classes,
  };
}

export function predictLinear(model: LinearModel, features: Float32Array, rows: number): Float64Array {
  const width = model.fill.length;
  const z = expand(model.design, impute(features, model.fill), rows, width);
  const d = model.design.source.length;
  const out = new Float64Array(rows * model.outputs);
  for (let i = 0; i < rows; i += 1) {
    for (let t = 0; t < model.outputs; t += 1) {
      let s = model.bias[t]!;
      for (let c = 0; c < d; c += 1) s += z[i * d + c]! * model.weights[c * model.outputs + t]!;
      out[i * model.outputs + t] = s;
    }
    if (model.softmax) softmaxInPlace(out, i * model.outputs, model.outputs);
  }
  return out;
}
