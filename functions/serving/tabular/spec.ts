import * as z from 'zod/mini';
import '../../platform/zod-messages';

/**
 * The tabular part of a model version's metadata (the contract in docs/tabular.md): the ordered feature list that
 * makes the tensor's last axis, and the outputs only tabular models have (regression, anomaly). Validation at the
 * edge, CSV batches and model cards read these fields; nothing in the code knows a tabular model's features.
 */
const text = z.string().check(z.minLength(1));
const described = <T extends z.ZodMiniType>(schema: T, description: string) => schema.check(z.describe(description));

export const featureRangeSchema = described(
  z
    .object({ min: z.number(), max: z.number() })
    .check(z.refine((range) => range.min <= range.max, { message: 'range.min must not exceed range.max' })),
  'the training range: a value outside it is served with a warning (drift signal), not refused',
);

/**
 * What a feature may be called: letters of any script (French column names keep their accents), digits, and
 * `_ . - ( ) % °` or inner spaces (`Température (°C)`). Names are compared in Unicode NFC, the form `columnName` gives, so an 'é' typed as one
 * character or as 'e' + accent is the same column.
 */
export const FEATURE_NAME = /^[\p{L}_]([\p{L}\p{N}_. ()%°-]*[\p{L}\p{N}_.()%°-])?$/u;

/** A CSV header cell or JSON field name as it is compared with the spec's names. */
export const columnName = (raw: string): string => raw.trim().normalize('NFC');

const featureCommon = {
  name: described(
    z.string().check(
      z.regex(FEATURE_NAME),
      z.refine((name) => name === columnName(name), { message: 'feature names are stored in Unicode NFC' }),
    ),
    'the JSON field and CSV column name',
  ),
  unit: z.optional(text),
  required: described(z.boolean(), 'a missing optional feature is fed as NaN: only for models trained to take it'),
};

export const numericFeatureSchema = z.object({
  ...featureCommon,
  type: z.enum(['number', 'integer']),
  range: z.optional(featureRangeSchema),
});

export const categoryFeatureSchema = z.object({
  ...featureCommon,
  type: z.literal('category'),
  values: described(z.array(text).check(z.minLength(1)), 'fed as the value’s 0-based index, as a float'),
});

export const featureSpecSchema = z.discriminatedUnion('type', [numericFeatureSchema, categoryFeatureSchema]);

export const windowSpecSchema = z.object({
  rows: z.int().check(z.positive()),
  step: z.int().check(z.positive()),
  timeColumn: text,
  samplingSeconds: z.number().check(z.positive()),
});

export const calibrationSpecSchema = z.object({
  rows: z.int().check(z.positive()),
  method: z.literal('standardise'),
});

export const tabularInputSpecSchema = z
  .object({
    kind: z.literal('tabular'),
    tensorName: text,
    dtype: z.literal('float32'),
    features: described(z.array(featureSpecSchema).check(z.minLength(1)), 'in tensor order (the last axis)'),
    window: z.optional(described(windowSpecSchema, 'time-series models: the tensor is [N, rows, F]')),
    calibration: z.optional(
      described(calibrationSpecSchema, 'standardise each feature over the first rows of the file (std floor 1e-6)'),
    ),
  })
  .check(
    z.refine((spec) => new Set(spec.features.map((feature) => feature.name)).size === spec.features.length, {
      message: 'feature names must be unique',
    }),
  );

export const regressionOutputSpecSchema = z.object({
  kind: z.literal('regression'),
  tensorName: text,
  unit: z.optional(text),
});

export const anomalyOutputSpecSchema = z.object({
  kind: z.literal('anomaly'),
  tensorName: text,
  threshold: described(z.number(), 'score >= threshold is an anomaly (prediction 1)'),
});

export type FeatureSpec = z.infer<typeof featureSpecSchema>;
export type TabularInputSpec = z.infer<typeof tabularInputSpecSchema>;
export type RegressionOutputSpec = z.infer<typeof regressionOutputSpecSchema>;
export type AnomalyOutputSpec = z.infer<typeof anomalyOutputSpecSchema>;
