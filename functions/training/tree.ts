/**
 * Histogram regression trees: every split is chosen on at most `maxBins` candidate thresholds per feature, so a
 * node costs one pass over its rows whatever the number of distinct values (ml-cart's exact search is quadratic in
 * the rows, too slow for the 10,000-row budget). One builder serves every tree model: it fits per-output gradient
 * sums G and hessian sums H, with leaf value G / (H + lambda). Random forests fit one-hot classes or targets
 * (h = 1, lambda = 0: the leaf is the mean); gradient boosting fits gradients.
 */
/** The forests' bins; the boosting takes 255, as scikit-learn's HistGradientBoosting (#26, measured in docs/automl.md). */
const DEFAULT_BINS = 64;

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
  /** At most 256: a bin is one byte. */
  maxBins: number;
}

/** Thresholds from the training values (imputed: no NaN); at most maxBins - 1 per feature. */
export function binData(x: Float32Array, rows: number, width: number, maxBins = DEFAULT_BINS): Binned {
  const edges: Float32Array[] = [];
  const bins = new Uint8Array(rows * width);
  for (let j = 0; j < width; j += 1) {
    const column = new Float32Array(rows);
    for (let i = 0; i < rows; i += 1) column[i] = x[i * width + j]!;
    const sorted = Float32Array.from(column).sort();
    const unique: number[] = [];
    for (const value of sorted) if (unique.length === 0 || unique.at(-1) !== value) unique.push(value);
    let cuts: number[];
    if (unique.length <= maxBins) cuts = unique.slice(0, -1);
    else {
      const picked = new Set<number>();
      for (let q = 1; q < maxBins; q += 1) picked.add(sorted[Math.floor((q * rows) / maxBins)]!);
      picked.delete(unique.at(-1)!);
      cuts = [...picked].sort((a, b) => a - b);
    }
    const edge = Float32Array.from(cuts);
    edges.push(edge);
    for (let i = 0; i < rows; i += 1) bins[i * width + j] = binOf(edge, column[i]!);
  }
  return { bins, edges, rows, width, maxBins };
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
  /**
   * Grown leaf-wise, the leaf of the largest gain split first, up to this many leaves (scikit-learn's
   * HistGradientBoosting: 31); depth-first when undefined.
   */
  maxLeaves?: number;
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
  const { width, bins, maxBins } = data;
  const { lambda, minLeaf } = options;
  // Every buffer once per tree, reused by every node (a node is done with them before its children grow): the
  // allocations per node and per bin were most of the forest's time (#26, profiled on the 10,000 × 20 table).
  // The sums are taken in the same order as before, so the trees are the same to the last bit.
  const order = rows.slice();
  const scratch = new Int32Array(rows.length);
  const hg = new Float64Array(width * maxBins * outputs);
  const hh = new Float64Array(width * maxBins * outputs);
  const count = new Int32Array(width * maxBins);
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
        const slot = k * maxBins + bins[rowBins + features[k]!]!;
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
    if (end - start >= maxBins) {
      hg.fill(0, 0, features.length * maxBins * outputs);
      hh.fill(0, 0, features.length * maxBins * outputs);
      count.fill(0, 0, features.length * maxBins);
      return;
    }
    for (let i = start; i < end; i += 1) {
      const rowBins = order[i]! * width;
      for (let k = 0; k < features.length; k += 1) {
        const slot = k * maxBins + bins[rowBins + features[k]!]!;
        count[slot] = 0;
        hg.fill(0, slot * outputs, (slot + 1) * outputs);
        hh.fill(0, slot * outputs, (slot + 1) * outputs);
      }
    }
  };
  /** A node over the rows order[start, end), with its sums and the best split found on them (feature -1: none). */
  interface Examined {
    node: number;
    start: number;
    end: number;
    depth: number;
    G: Float64Array;
    H: Float64Array;
    gain: number;
    feature: number;
    bin: number;
  }
  const examine = (start: number, end: number, depth: number): Examined => {
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
    const best: Examined = { node, start, end, depth, G, H, gain: 1e-12, feature: -1, bin: -1 };
    if (depth >= options.maxDepth || members < 2 * minLeaf) return best;
    const parent = score(G, H);
    const features = candidateFeatures(width, options).filter((j) => data.edges[j]!.length > 0);
    if (options.oneHot && G.includes(members)) return best;
    histograms(start, end, features);
    features.forEach((j, k) => {
      const nb = data.edges[j]!.length + 1;
      GL.fill(0);
      HL.fill(0);
      let nLeft = 0;
      for (let b = 0; b < nb - 1; b += 1) {
        const slot = k * maxBins + b;
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
        if (gain > best.gain) Object.assign(best, { gain, feature: j, bin: b });
      }
    });
    clear(start, end, features);
    return best;
  };
  const makeLeaf = ({ node, G, H }: Examined) => {
    tree.values[node] = Array.from(G, (sum, t) => (options.scale * sum) / (H[t]! + lambda));
  };
  /** Splits the node as examined: a stable partition in place, the left rows first; returns where the right ones start. */
  const split = ({ node, start, end, feature, bin }: Examined): number => {
    let nl = start;
    let nr = 0;
    for (let i = start; i < end; i += 1) {
      const row = order[i]!;
      if (bins[row * width + feature]! <= bin) order[nl++] = row;
      else scratch[nr++] = row;
    }
    order.set(scratch.subarray(0, nr), nl);
    tree.feature[node] = feature;
    tree.threshold[node] = data.edges[feature]![bin]!;
    return nl;
  };
  const depthFirst = (start: number, end: number, depth: number): number => {
    const examined = examine(start, end, depth);
    if (examined.feature < 0) {
      makeLeaf(examined);
      return examined.node;
    }
    const middle = split(examined);
    tree.left[examined.node] = depthFirst(start, middle, depth + 1);
    tree.right[examined.node] = depthFirst(middle, end, depth + 1);
    return examined.node;
  };
  /** The open leaf of the largest gain is split next, until maxLeaves leaves or no split gains. */
  const leafWise = (maxLeaves: number) => {
    const open = [examine(0, order.length, 0)];
    for (let leaves = 1; leaves < maxLeaves; leaves += 1) {
      let pick = -1;
      open.forEach((node, i) => {
        if (node.feature >= 0 && (pick < 0 || node.gain > open[pick]!.gain)) pick = i;
      });
      if (pick < 0) break;
      const [examined] = open.splice(pick, 1);
      const middle = split(examined!);
      const left = examine(examined!.start, middle, examined!.depth + 1);
      const right = examine(middle, examined!.end, examined!.depth + 1);
      tree.left[examined!.node] = left.node;
      tree.right[examined!.node] = right.node;
      open.push(left, right);
    }
    open.forEach(makeLeaf);
  };
  if (options.maxLeaves === undefined) depthFirst(0, order.length, 0);
  else leafWise(options.maxLeaves);
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
