/**
 * The largest magnitude a feature value may have: 2^53 − 1. Beyond it a number is no longer exact in JavaScript,
 * and DynamoDB's marshaller refuses it, so a record quoting it (a range warning) could not be stored; the bound
 * also keeps every value far inside float32's range (±3.4e38), where a larger one would become Infinity in the
 * model's tensor and NaN in its answer (#20.6).
 */
export const MAX_FEATURE_MAGNITUDE = Number.MAX_SAFE_INTEGER;

/** Why a number cannot be fed to a model, as a row error's message and reason code; undefined when it can. */
export function featureValueProblem(value: number): { problem: string; reason: 'non-finite' | 'too-large' } | undefined {
  if (!Number.isFinite(value)) return { problem: 'must be a finite number (not NaN or infinite)', reason: 'non-finite' };
  if (Math.abs(value) > MAX_FEATURE_MAGNITUDE) {
    return { problem: `must lie within ±${MAX_FEATURE_MAGNITUDE} (2^53 − 1), got ${value}`, reason: 'too-large' };
  }
  return undefined;
}
