import type { Dataset } from './dataset';

/**
 * The value each feature's missing cells take: the median of a number, the most frequent category. Computed on the
 * training rows, applied the same way in memory and in the ONNX graph (`Where(IsNaN(x), fill, x)`).
 */
export function imputationValues(data: Dataset): Float32Array {
  const width = data.features.length;
  const fill = new Float32Array(width);
  data.features.forEach((feature, j) => {
    const seen: number[] = [];
    for (let i = 0; i < data.rows; i += 1) {
      const value = data.x[i * width + j]!;
      if (!Number.isNaN(value)) seen.push(value);
    }
    if (seen.length === 0) return;
    if (feature.type === 'category') {
      const counts = new Map<number, number>();
      for (const value of seen) counts.set(value, (counts.get(value) ?? 0) + 1);
      fill[j] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    } else {
      seen.sort((a, b) => a - b);
      const mid = seen.length >> 1;
      fill[j] = seen.length % 2 ? seen[mid]! : (seen[mid - 1]! + seen[mid]!) / 2;
    }
  });
  return fill;
}

export function impute(x: Float32Array, fill: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  const width = fill.length;
  for (let i = 0; i < x.length; i += 1) out[i] = Number.isNaN(x[i]!) ? fill[i % width]! : x[i]!;
  return out;
}
