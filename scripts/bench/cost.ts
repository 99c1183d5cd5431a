/**
 * Lambda cost of a prediction from measured durations. Prices: AWS Lambda x86_64, first tier, us-east-1 list
 * price ($0.0000166667 per GB-second, $0.20 per million requests); eu-west-3 (Paris) may differ slightly.
 */
import { MB_PER_VCPU } from '../../functions/platform/native/lambda-cpu';

export const PRICE_PER_GB_SECOND = 0.0000166667;
export const PRICE_PER_REQUEST = 0.2 / 1_000_000;

export interface Invocation {
  memoryMb: number;
  /** CPU-bound time, measured with at least one full core. */
  cpuMs: number;
  /** Time spent waiting on another service (the infer call, DynamoDB): billed, but no faster with more CPU. */
  waitMs?: number;
}

/**
 * Billed duration at a memory size: CPU-bound work measured on a full core takes longer below 1,769 MB, in
 * proportion (no speed-up is assumed above); Lambda bills whole milliseconds.
 */
export function billedMs({ memoryMb, cpuMs, waitMs = 0 }: Invocation): number {
  return Math.ceil(cpuMs * Math.max(1, MB_PER_VCPU / memoryMb) + waitMs);
}

/** Dollars per 1,000 predictions, each prediction being these invocations. */
export function costPerThousand(invocations: Invocation[]): number {
  const perPrediction = invocations.reduce(
    (sum, call) => sum + PRICE_PER_REQUEST + (call.memoryMb / 1024) * (billedMs(call) / 1000) * PRICE_PER_GB_SECOND,
    0,
  );
  return perPrediction * 1000;
}
