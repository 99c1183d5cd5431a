import * as z from 'zod/mini';
import './zod-messages';
import { DEFAULT_TRAINING_LIMITS } from './training-limits';
import { DEFAULT_DECODE_LIMITS } from './decode-limits';

/**
 * Configuration is read from the environment once, at cold start, and validated here: a missing or malformed
 * variable fails the container loudly instead of the first request quietly.
 */
const emptyAsUnset = z.pipe(
  z.optional(z.string()),
  z.transform((value) => value || undefined),
);
const optionalUrl = z.pipe(emptyAsUnset, z.optional(z.url()));
const nonEmpty = z.string().check(z.minLength(1));
/** An on/off switch: `true` or `false`, off when unset or empty. */
const flag = z.pipe(
  emptyAsUnset,
  z.pipe(
    z.optional(z.enum(['true', 'false'])),
    z.transform((value) => value === 'true'),
  ),
);

const positiveInt = (fallback: number) => z._default(z.pipe(z.coerce.number(), z.int().check(z.positive())), fallback);

const awsEndpoints = {
  AWS_REGION: z._default(z.string(), 'eu-west-3'),
  /** Set only on the local stage, where the emulators stand in for S3, DynamoDB and Lambda. */
  VIGIE_S3_ENDPOINT: optionalUrl,
  VIGIE_DYNAMODB_ENDPOINT: optionalUrl,
  VIGIE_LAMBDA_ENDPOINT: optionalUrl,
};

const models = {
  MODELS_DIR: nonEmpty,
  /** Trained versions (automl): read beside MODELS_DIR when set. */
  MODELS_BUCKET: emptyAsUnset,
};

/** Aliases, their history and the kill switch (functions/serving/aliases.ts): read by every path that routes. */
const lifecycle = { ALIASES_TABLE: nonEmpty };

/** HTTP routes with a key: keys live in the API keys table; the local stage also takes VIGIE_API_KEY. */
const apiAuth = {
  API_KEYS_TABLE: nonEmpty,
  // A comma is how API Gateway joins repeated headers: such a key could never be told from two (http/api-keys.ts).
  VIGIE_API_KEY: z.pipe(
    emptyAsUnset,
    z.optional(z.string().check(z.refine((key) => !key.includes(','), 'must not hold a comma'))),
  ),
};

const recording = {
  VIGIE_STAGE: nonEmpty,
  PREDICTIONS_TABLE: nonEmpty,
  /** Erasure tombstones (functions/records/erasure-ledger.ts), read by every path that records a subject. */
  ERASURES_TABLE: nonEmpty,
  /** Hourly statistics counters (functions/records/prediction-stats.ts), added to by every path that records. */
  STATS_TABLE: nonEmpty,
  RETENTION_DAYS: positiveInt(90),
  INFER_FUNCTION_NAME: nonEmpty,
  INFER_ATTEMPTS: positiveInt(3),
  MAX_INPUT_BYTES: positiveInt(6 * 1024 * 1024),
  MAX_INPUT_PIXELS: positiveInt(DEFAULT_DECODE_LIMITS.maxPixels),
  MAX_DECODE_SECONDS: positiveInt(DEFAULT_DECODE_LIMITS.maxDecodeSeconds),
};

/** What the shared prediction path needs, whichever function runs it. */
export const predictionPathConfigSchema = z.object({ ...awsEndpoints, ...models, ...lifecycle, ...recording });

export const preprocessConfigSchema = z.extend(predictionPathConfigSchema, {
  UPLOADS_BUCKET: nonEmpty,
  RESULTS_BUCKET: nonEmpty,
  /** CSV uploads are handed to it: a batch outlasts the preprocess function's timeout. */
  BATCH_FUNCTION_NAME: nonEmpty,
});

/** The CSV batch function: streams from uploads to results, runs tabular models in process. */
export const batchConfigSchema = z.object({
  ...awsEndpoints,
  ...models,
  ...lifecycle,
  VIGIE_STAGE: nonEmpty,
  PREDICTIONS_TABLE: nonEmpty,
  ERASURES_TABLE: nonEmpty,
  STATS_TABLE: nonEmpty,
  RETENTION_DAYS: positiveInt(90),
  UPLOADS_BUCKET: nonEmpty,
  RESULTS_BUCKET: nonEmpty,
  BATCH_CHUNK_ROWS: positiveInt(4096),
});

export const predictConfigSchema = z.extend(predictionPathConfigSchema, apiAuth);
export const inferConfigSchema = z.object({ ...awsEndpoints, ...models });
/** The docs function lists trained models too: it reads the models bucket beside the layer. */
export const docsConfigSchema = z.object({ ...awsEndpoints, ...models });
// The registry's routes include drift (#24), read from the prediction records.
export const registryConfigSchema = z.object({
  ...awsEndpoints,
  ...models,
  ...lifecycle,
  ...apiAuth,
  PREDICTIONS_TABLE: nonEmpty,
});
/** The lifecycle routes (functions/lifecycle): they check versions against the registry before moving an alias. */
export const lifecycleConfigSchema = registryConfigSchema;
// GET /v1/models/{model}/stats (#24) reads the statistics counters.
export const predictionsConfigSchema = z.object({
  ...awsEndpoints,
  ...apiAuth,
  PREDICTIONS_TABLE: nonEmpty,
  STATS_TABLE: nonEmpty,
});

export const subjectsConfigSchema = z.object({
  ...awsEndpoints,
  ...apiAuth,
  PREDICTIONS_TABLE: nonEmpty,
  ERASURES_TABLE: nonEmpty,
  UPLOADS_BUCKET: nonEmpty,
  RESULTS_BUCKET: nonEmpty,
  /** Trainings on a person's tables, and the versions they made (#20.4). */
  TRAININGS_TABLE: nonEmpty,
  MODELS_BUCKET: nonEmpty,
});

/** Training from a CSV (docs/automl.md): the trainings table, the models bucket and the file limits. */
const training = {
  VIGIE_STAGE: nonEmpty,
  UPLOADS_BUCKET: nonEmpty,
  MODELS_BUCKET: nonEmpty,
  TRAININGS_TABLE: nonEmpty,
  RETENTION_DAYS: positiveInt(90),
  TRAINING_MAX_BYTES: positiveInt(DEFAULT_TRAINING_LIMITS.maxBytes),
  TRAINING_MAX_ROWS: positiveInt(DEFAULT_TRAINING_LIMITS.maxRows),
};
export const trainConfigSchema = z.object({
  ...awsEndpoints,
  ...models,
  ...training,
  /** The commit the function was built from (provenance of trained versions); unset outside a build. */
  VIGIE_CODE_COMMIT: emptyAsUnset,
  MODEL_OWNER_CONTACT: z._default(z.email(), 'ml-platform@vigie.example'),
});
export const trainingsConfigSchema = z.object({
  ...awsEndpoints,
  ...models,
  ...apiAuth,
  ...training,
  TRAIN_FUNCTION_NAME: nonEmpty,
  /** `true`: the key that trained a version may not decide on it (docs/automl.md, the two-person rule). */
  VIGIE_TWO_PERSON_APPROVAL: flag,
});

export type PredictionPathConfig = z.infer<typeof predictionPathConfigSchema>;
export type AwsEndpointsConfig = z.infer<z.ZodMiniObject<typeof awsEndpoints>>;
export type ApiAuthConfig = AwsEndpointsConfig & z.infer<z.ZodMiniObject<typeof apiAuth>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/**
 * Bringing a model (docs/bring-your-own-model.md): the models bucket it is registered in, the uploads bucket of the
 * S3 door, the results bucket where that door writes each outcome, and the two size limits.
 */
export const importsConfigSchema = z.object({
  ...awsEndpoints,
  ...models,
  ...apiAuth,
  MODELS_BUCKET: nonEmpty,
  UPLOADS_BUCKET: nonEmpty,
  RESULTS_BUCKET: nonEmpty,
  /**
   * The HTTP door: Lambda takes at most 6 MB of request event, and a multipart body travels in it base64-encoded
   * (4/3 larger), so 4 MiB is what always fits. Larger models come through the S3 door.
   */
  IMPORT_HTTP_MAX_BYTES: positiveInt(4 * 1024 * 1024),
  /** Any door: 1 GiB took 67 s and 6.7 GB of memory locally (serverless.yml gives the function 10,240 MB, 2 GB of /tmp). */
  IMPORT_MAX_BYTES: positiveInt(1024 * 1024 * 1024),
});
