/**
 * What a tabular record keeps of its rows for drift (#24): per feature, how many values fell in each bin of the
 * answering version's baseline (functions/serving/baseline.ts), the last count being the missing ones; and the
 * same for the answers. Counts, not values: a CSV batch of a million rows is one record, and a person's inputs are
 * not kept, only where they fell.
 */
export interface InputBins {
  /** Rows whose values were read (a row refused for its values counts in no bin). */
  rows: number;
  features: Record<string, number[]>;
  output: number[];
}
