import * as z from 'zod/mini';
import '../../platform/zod-messages';

/**
 * What POST /v1/models/{model}/predict accepts as `application/json`: exactly one of these members. Shared by the
 * predict function, which validates with it, and the OpenAPI document, which describes it.
 */
export const predictJsonBodySchema = z.union([
  z.strictObject({ image: z.base64().check(z.minLength(1), z.describe('the encoded image (PNG, JPEG, WebP…), base64')) }),
  z.strictObject({ features: z.record(z.string(), z.unknown()).check(z.describe('one row: feature name → value')) }),
  // Each row is checked against the model's spec (functions/serving/tabular), which names every bad field.
  z.strictObject({ rows: z.array(z.unknown()).check(z.describe('several rows, each an object of feature values')) }),
]);
