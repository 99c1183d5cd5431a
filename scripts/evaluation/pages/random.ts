/** A seeded generator (mulberry32): the same seed renders the same pages on every machine. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /**
   * The next `count` uniform draws into `out` (from its start): what `count` calls of next() return, in order, for
   * the painters' per-pixel loops, where a call per draw cost more than the drawing.
   */
  fill(out: Float64Array, count: number): void;
  /** Uniform in [low, high). */
  between(low: number, high: number): number;
  pick<T>(values: readonly T[]): T;
  /** Roughly normal, mean 0 and deviation 1 (sum of uniforms: cheap, bounded). */
  normal(): number;
}

/** The uniform draw mulberry32 makes from a state. */
function output(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const STEP = 0x6d2b79f5;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + STEP) >>> 0;
    return output(state);
  };
  return {
    next,
    fill: (out, count) => {
      // The state in a local while the loop runs, kept as int32 (the same 32 bits: output() reads them alike):
      // a closure's variable beyond 2^30 is boxed anew at each draw.
      let local = state | 0;
      for (let i = 0; i < count; i += 1) {
        local = (local + STEP) | 0;
        out[i] = output(local);
      }
      state = local >>> 0;
    },
    between: (low, high) => low + (high - low) * next(),
    pick: (values) => values[Math.floor(next() * values.length)]!,
    normal: () => (next() + next() + next() + next() - 2) * 1.7320508,
  };
}
