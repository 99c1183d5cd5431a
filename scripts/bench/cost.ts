/**
 * Lambda cost of a prediction from measured durations. Prices: AWS Lambda x86_64, first tier, us-east-1 list
 * price ($0.0000166667 per GB-second, $0.20 per million requests); eu-west-3 (Paris) may differ slightly.
 */
export const PRICE_PER_GB_SECOND = 0.0000166667;
export const PRICE_PER_REQUEST = 0.2 / 1_000_000;
/** Lambda gives a function one full vCPU at 1,769 MB, and CPU in proportion to memory below that. */
export const MB_PER_VCPU = 1769;

export interface Invocation {
  memoryMb: number;
  /** Measured with at least one full core. */
  durationMs: number;
}

/**
 * Billed duration at a memory size: CPU-bound work measured on a full core takes longer below 1,769 MB, in
 * proportion; Lambda bills whole milliseconds.
 */
export function billedMs({ memoryMb, durationMs }: Invocation): number {
  return Math.ceil(durationMs * Math.max(1, MB_PER_VCPU / memoryMb));
}

/** Dollars per 1,000 predictions, each prediction being these invocations. */
export function costPerThousand(invocations: Invocation[]): number {
  const perPrediction = invocations.reduce(
    (sum, call) => sum + PRICE_PER_REQUEST + (call.memoryMb / 1024) * (billedMs(call) / 1000) * PRICE_PER_GB_SECOND,
    0,
  );
  return perPrediction * 1000;
}
