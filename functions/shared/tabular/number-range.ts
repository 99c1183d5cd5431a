/**
 * The largest feature magnitude Vigie reads: 2^53 - 1. Past it a number is no longer an exact double (its text
 * and its value part), a record cannot hold it as a DynamoDB number without losing digits (the SDK refuses it),
 * and past float32's maximum (3.4e38) the model would read Infinity. One bound for HTTP rows, CSV batches and
 * trainings alike.
 */
const MAX_FEATURE_MAGNITUDE = Number.MAX_SAFE_INTEGER;

/** Why a finite value cannot be a feature, or undefined when it can. */
export function magnitudeProblem(value: number): string | undefined {
  return Math.abs(value) > MAX_FEATURE_MAGNITUDE
    ? `is beyond ±${MAX_FEATURE_MAGNITUDE} (2^53 - 1), the largest magnitude read exactly`
    : undefined;
}
