/**
 * Histogram regression trees: every split is chosen on at most MAX_BINS candidate thresholds per feature, so a
 * node costs one pass over its rows whatever the number of distinct values (ml-cart's exact search is quadratic in
 * the rows, too slow for the 10,000-row budget). One builder serves every tree model: it fits per-output gradient
 * sums G and hessian sums H, with leaf value G / (H + lambda). Random forests fit one-hot classes or targets
 * (h = 1, lambda = 0: the leaf is the mean); gradient boosting fits gradients.
 */
const MAX_BINS = 64;

/** One tree, flattened as ONNX's TreeEnsemble attributes want it; a leaf has feature -1. */
export interface Tree {
  feature: number[];
  /** float32 values of the data: `x <= threshold` goes left, exactly as ONNX Runtime compares. */
  threshold: number[];
  left: number[];
  right: number[];
  /** Per node, the leaf's outputs (empty for a branch). */
  values: number[][];
}

export interface Binned {
  bins: Uint8Array;
  /** Per feature, the ascending thresholds: bin b holds x with edges[b-1] < x <= edges[b]. */
  edges: Float32Array[];
  rows: number;
  width: number;
}

/** Thresholds from the training values (imputed: no NaN); at most MAX_BINS - 1 per feature. */
export function binData(x: Float32Array, rows: number, width: number): Binned {
  const edges: Float32Array[] = [];
  const bins = new Uint8Array(rows * width);
  for (let j = 0; j < width; j += 1) {
    const column = new Float32Array(rows);
    for (let i = 0; i < rows; i += 1) column[i] = x[i * width + j]!;
    const sorted = Float32Array.from(column).sort();
    const unique: number[] = [];
    for (const value of sorted) if (unique.length === 0 || unique.at(-1) !== value) unique.push(value);
    let cuts: number[];
    if (unique.length <= MAX_BINS) cuts = unique.slice(0, -1);
    else {
      const picked = new Set<number>();
      for (let q = 1; q < MAX_BINS; q += 1) picked.add(sorted[Math.floor((q * rows) / MAX_BINS)]!);
      picked.delete(unique.at(-1)!);
      cuts = [...picked].sort((a, b) => a - b);
    }
    const edge = Float32Array.from(cuts);
    edges.push(edge);
    for (let i = 0; i < rows; i += 1) bins[i * width + j] = binOf(edge, column[i]!);
  }
  return { bins, edges, rows, width };
}

/** How many edges lie strictly below x: x <= edges[b] exactly when binOf(x) <= b. */
function binOf(edges: Float32Array, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface TreeOptions {
  maxDepth: number;
  minLeaf: number;
  lambda: number;
  /** Features drawn per node (random forests); all when undefined. */
  featuresPerNode?: number;
  /** Multiplies every leaf value (the boosting learning rate). */
  scale: number;
  random: () => number;
  /**
   * g is one-hot classes and h null (a classification forest): a node of one class is a leaf without a search, as
   * the search would find (every split's gain is then exactly 0: the sums are whole numbers).
   */
  oneHot?: boolean;
}

/**
 * Grows one tree on `rows` (indices into the binned data, repeats allowed: a bootstrap) fitting gradients g
 * [rows × outputs] and hessians h (same shape, or all 1 when null).
 */
export function growTree(
  data: Binned,
  rows: Int32Array,
  g: Float64Array,
  h: Float64Array | null,
  outputs: number,
  options: TreeOptions,
): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], values: [] };
  const { width, bins } = data;
  const { lambda, minLeaf } = options;
  // Every buffer once per tree, reused by every node (a node is done with them before its children grow): the
  // allocations per node and per bin were most of the forest's time (#26, profiled on the 10,000 × 20 table).
  // The sums are taken in the same order as before, so the trees are the same to the last bit.
  const order = rows.slice();
  const scratch = new Int32Array(rows.length);
  const hg = new Float64Array(width * MAX_BINS * outputs);
  const hh = new Float64Array(width * MAX_BINS * outputs);
  const count = new Int32Array(width * MAX_BINS);
  const GL = new Float64Array(outputs);
  const HL = new Float64Array(outputs);
  const score = (G: Float64Array, H: Float64Array) => {
    let total = 0;
    for (let t = 0; t < outputs; t += 1) total += (G[t]! * G[t]!) / (H[t]! + lambda);
    return total;
  };
  const addNode = () => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(0);
    tree.right.push(0);
    tree.values.push([]);
    return tree.feature.length - 1;
  };
  /**
   * Rows order[start, end) into per-bin sums of the features drawn, each at slot k of the histograms (all zero
   * before; `clear` zeroes them after).
   */
  const histograms = (start: number, end: number, features: number[]) => {
    for (let i = start; i < end; i += 1) {
      const row = order[i]!;
      const rowBins = row * width;
      const rowOutputs = row * outputs;
      for (let k = 0; k < features.length; k += 1) {
        const slot = k * MAX_BINS + bins[rowBins + features[k]!]!;
        count[slot]! += 1;
        const at = slot * outputs;
        if (h) {
          for (let t = 0; t < outputs; t += 1) {
            hg[at + t]! += g[rowOutputs + t]!;
            hh[at + t]! += h[rowOutputs + t]!;
          }
        } else {
          // Without hessians each one is 1: their sums are the counts, read from `count` in the scan.
          for (let t = 0; t < outputs; t += 1) hg[at + t]! += g[rowOutputs + t]!;
        }
      }
    }
  };
  /** Zeroes the histograms again: the slots the rows touched when they are fewer than the bins, else all. */
  const clear = (start: number, end: number, features: number[]) => {
    if (end - start >= MAX_BINS) {
      hg.fill(0, 0, features.length * MAX_BINS * outputs);
      hh.fill(0, 0, features.length * MAX_BINS * outputs);
      count.fill(0, 0, features.length * MAX_BINS);
      return;
    }
    for (let i = start; i < end; i += 1) {
      const rowBins = order[i]! * width;
      for (let k = 0; k < features.length; k += 1) {
        const slot = k * MAX_BINS + bins[rowBins + features[k]!]!;
        count[slot] = 0;
        hg.fill(0, slot * outputs, (slot + 1) * outputs);
        hh.fill(0, slot * outputs, (slot + 1) * outputs);
      }
    }
  };
  const grow = (start: number, end: number, depth: number): number => {
    const node = addNode();
    const members = end - start;
    const G = new Float64Array(outputs);
    const H = new Float64Array(outputs);
    for (let i = start; i < end; i += 1) {
      const row = order[i]!;
      for (let t = 0; t < outputs; t += 1) {
        G[t]! += g[row * outputs + t]!;
        H[t]! += h ? h[row * outputs + t]! : 1;
      }
    }
    const leaf = () => {
      tree.values[node] = Array.from(G, (sum, t) => (options.scale * sum) / (H[t]! + lambda));
      return node;
    };
    if (depth >= options.maxDepth || members < 2 * minLeaf) return leaf();
    const parent = score(G, H);
    let best = { gain: 1e-12, feature: -1, bin: -1 };
    const features = candidateFeatures(width, options).filter((j) => data.edges[j]!.length > 0);
    if (options.oneHot && G.includes(members)) return leaf();
    histograms(start, end, features);
    features.forEach((j, k) => {
      const nb = data.edges[j]!.length + 1;
      GL.fill(0);
      HL.fill(0);
      let nLeft = 0;
      for (let b = 0; b < nb - 1; b += 1) {
        const slot = k * MAX_BINS + b;
        // An empty bin splits as the one before it: never a strictly better gain.
        if (count[slot] === 0) continue;
        nLeft += count[slot]!;
        for (let t = 0; t < outputs; t += 1) {
          GL[t]! += hg[slot * outputs + t]!;
          HL[t]! += h ? hh[slot * outputs + t]! : count[slot]!;
        }
        if (nLeft < minLeaf) continue;
        if (members - nLeft < minLeaf) break;
        let right = 0;
        for (let t = 0; t < outputs; t += 1) {
          const GR = G[t]! - GL[t]!;
          right += (GR * GR) / (H[t]! - HL[t]! + lambda);
        }
        const gain = score(GL, HL) + right - parent;
        if (gain > best.gain) best = { gain, feature: j, bin: b };
      }
    });
    clear(start, end, features);
    if (best.feature < 0) return leaf();
    // A stable partition in place: the left rows first, then the right ones, each in their order.
    let nl = start;
    let nr = 0;
    for (let i = start; i < end; i += 1) {
      const row = order[i]!;
      if (bins[row * width + best.feature]! <= best.bin) order[nl++] = row;
      else scratch[nr++] = row;
    }
    order.set(scratch.subarray(0, nr), nl);
    tree.feature[node] = best.feature;
    tree.threshold[node] = data.edges[best.feature]![best.bin]!;
    tree.left[node] = grow(start, nl, depth + 1);
    tree.right[node] = grow(nl, end, depth + 1);
    return node;
  };
  grow(0, order.length, 0);
  return tree;
}

function candidateFeatures(width: number, options: TreeOptions): number[] {
  const all = Array.from({ length: width }, (_, j) => j);
  const wanted = options.featuresPerNode;
  if (wanted === undefined || wanted >= width) return all;
  for (let i = 0; i < wanted; i += 1) {
    const j = i + Math.floor(options.random() * (width - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, wanted);
}

/** The leaf a row lands in, comparing as ONNX Runtime does (`x <= threshold` goes left). */
export function leafOf(tree: Tree, x: Float32Array, offset: number): number[] {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = x[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.values[node]!;
}
