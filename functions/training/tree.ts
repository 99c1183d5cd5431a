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
  const { width } = data;
  const sums = (members: Int32Array) => {
    const G = new Float64Array(outputs);
    const H = new Float64Array(outputs);
    for (const row of members) {
      for (let t = 0; t < outputs; t += 1) {
        G[t]! += g[row * outputs + t]!;
        H[t]! += h ? h[row * outputs + t]! : 1;
      }
    }
    return { G, H };
  };
  const score = (G: Float64Array, H: Float64Array) => {
    let total = 0;
    for (let t = 0; t < outputs; t += 1) total += (G[t]! * G[t]!) / (H[t]! + options.lambda);
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
  const grow = (members: Int32Array, depth: number): number => {
    const node = addNode();
    const { G, H } = sums(members);
    const leaf = () => {
      tree.values[node] = Array.from(G, (sum, t) => (options.scale * sum) / (H[t]! + options.lambda));
      return node;
    };
    if (depth >= options.maxDepth || members.length < 2 * options.minLeaf) return leaf();
    const parent = score(G, H);
    let best = { gain: 1e-12, feature: -1, bin: -1 };
    for (const j of candidateFeatures(width, options)) {
      const nb = data.edges[j]!.length + 1;
      if (nb < 2) continue;
      const hg = new Float64Array(nb * outputs);
      const hh = new Float64Array(nb * outputs);
      const count = new Int32Array(nb);
      for (const row of members) {
        const b = data.bins[row * width + j]!;
        count[b]! += 1;
        for (let t = 0; t < outputs; t += 1) {
          hg[b * outputs + t]! += g[row * outputs + t]!;
          hh[b * outputs + t]! += h ? h[row * outputs + t]! : 1;
        }
      }
      const GL = new Float64Array(outputs);
      const HL = new Float64Array(outputs);
      let nLeft = 0;
      for (let b = 0; b < nb - 1; b += 1) {
        nLeft += count[b]!;
        for (let t = 0; t < outputs; t += 1) {
          GL[t]! += hg[b * outputs + t]!;
          HL[t]! += hh[b * outputs + t]!;
        }
        if (nLeft < options.minLeaf) continue;
        if (members.length - nLeft < options.minLeaf) break;
        const GR = G.map((sum, t) => sum - GL[t]!);
        const HR = H.map((sum, t) => sum - HL[t]!);
        const gain = score(GL, HL) + score(GR, HR) - parent;
        if (gain > best.gain) best = { gain, feature: j, bin: b };
      }
    }
    if (best.feature < 0) return leaf();
    const leftRows = new Int32Array(members.length);
    const rightRows = new Int32Array(members.length);
    let nl = 0;
    let nr = 0;
    for (const row of members) {
      if (data.bins[row * width + best.feature]! <= best.bin) leftRows[nl++] = row;
      else rightRows[nr++] = row;
    }
    tree.feature[node] = best.feature;
    tree.threshold[node] = data.edges[best.feature]![best.bin]!;
    tree.left[node] = grow(leftRows.subarray(0, nl), depth + 1);
    tree.right[node] = grow(rightRows.subarray(0, nr), depth + 1);
    return node;
  };
  grow(rows, 0);
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
