import * as z from 'zod/mini';
import './zod-messages';
import { DEFAULT_TRAINING_LIMITS } from './training-limits';
import { DEFAULT_DECODE_LIMITS } from './decode-limits';
import { GUARD_DEFAULTS, type GuardSettings } from './guard-settings';

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

/** The HTTP prediction paths (predict, oip) hand shadowed requests to the shadow function (serving/shadow.ts). */
export const predictConfigSchema = z.extend(predictionPathConfigSchema, { ...apiAuth, SHADOW_FUNCTION_NAME: nonEmpty });
/** The shadow function runs the prediction path on the shadow version and stores its output on the production record. */
export const shadowConfigSchema = z.extend(predictionPathConfigSchema, {
  SHADOW_ATTACH_ATTEMPTS: positiveInt(5),
  SHADOW_ATTACH_DELAY_MS: positiveInt(200),
});
export const inferConfigSchema = z.object({ ...awsEndpoints, ...models });
/** GET /v1/health: the shipped models, each at the version production serves (the lifecycle table). */
export const healthConfigSchema = z.object({ ...awsEndpoints, MODELS_DIR: nonEmpty, ...lifecycle });
/** The docs function lists trained models too: it reads the models bucket beside the layer. */
export const docsConfigSchema = z.object({ ...awsEndpoints, ...models });
/** A number from 0 up, `max` at most: the guard's margins. */
const bounded = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z._default(z.pipe(z.coerce.number(), z.number().check(z.gte(0), z.lte(max))), fallback);

/** The canary guard's settings (functions/platform/guard-settings.ts): the guard acts on them, GET …/canary shows them. */
const guard = {
  GUARD_MIN_CANARY_REQUESTS: positiveInt(GUARD_DEFAULTS.minCanaryRequests),
  GUARD_ERROR_MARGIN: bounded(GUARD_DEFAULTS.errorMargin, 1),
  GUARD_P95_MARGIN: bounded(GUARD_DEFAULTS.p95Margin),
  GUARD_P95_FLOOR_MS: bounded(GUARD_DEFAULTS.p95FloorMs),
  GUARD_WINDOW_MINUTES: positiveInt(GUARD_DEFAULTS.windowMinutes),
};

export const guardSettingsOf = (config: z.infer<z.ZodMiniObject<typeof guard>>): GuardSettings => ({
  minCanaryRequests: config.GUARD_MIN_CANARY_REQUESTS,
  errorMargin: config.GUARD_ERROR_MARGIN,
  p95Margin: config.GUARD_P95_MARGIN,
  p95FloorMs: config.GUARD_P95_FLOOR_MS,
  windowMinutes: config.GUARD_WINDOW_MINUTES,
});

// The registry's routes include drift (#24), read from the prediction records, and the canary's arms.
export const registryConfigSchema = z.object({
  ...awsEndpoints,
  ...models,
  ...lifecycle,
  ...apiAuth,
  ...guard,
  PREDICTIONS_TABLE: nonEmpty,
  /** Where the scheduled drift reports are, the latest of which the drift route serves. */
  RESULTS_BUCKET: nonEmpty,
});
/** The scheduled canary guard (functions/guard): reads the records and the lifecycle, appends its rollbacks. */
export const guardConfigSchema = z.object({
  ...awsEndpoints,
  ...models,
  ...lifecycle,
  ...guard,
  PREDICTIONS_TABLE: nonEmpty,
  /**
   * Passes per run, 30 s apart: EventBridge starts the guard once a minute at most, so 2 in AWS keeps a breach
   * waiting 30 s at most (the issue's goal); the local platform invokes it every few seconds, 1 a run.
   */
  GUARD_PASSES_PER_RUN: z._default(z.pipe(z.coerce.number(), z.number().check(z.int(), z.gte(1), z.lte(2))), 1),
});
/**
 * The lifecycle routes (functions/lifecycle): they check versions against the registry before moving an alias, and
 * replay runs held and dead-lettered uploads through the preprocess function again (functions/uploads/replay.ts).
 */
export const lifecycleConfigSchema = z.extend(registryConfigSchema, {
  UPLOADS_BUCKET: nonEmpty,
  PREPROCESS_FUNCTION_NAME: nonEmpty,
  /** Where failed events wait: the SQS queue's name in AWS, the local platform's folder (`.local/dead-letters/`) locally. */
  DEAD_LETTER_QUEUE: emptyAsUnset,
  DEAD_LETTERS_DIR: emptyAsUnset,
  /**
   * How long a replay's claim on an upload holds: longer than this function's timeout and the preprocess run it
   * waits for together (28 + 40 s), so a claim past it belongs to a replay that died. Tests shorten it.
   */
  REPLAY_LEASE_SECONDS: positiveInt(90),
});
/** The scheduled drift run (functions/drift): the records, the registry, and where its reports go. */
export const driftConfigSchema = z.object({
  ...awsEndpoints,
  ...models,
  ...lifecycle,
  PREDICTIONS_TABLE: nonEmpty,
  RESULTS_BUCKET: nonEmpty,
  /** The window each run measures, as often as it runs: 60 in AWS (hourly), a few minutes locally. */
  DRIFT_WINDOW_MINUTES: z._default(z.pipe(z.coerce.number(), z.number().check(z.positive())), 60),
  /**
   * How far behind the run's time its window ends: a CSV batch's record is dated when the batch starts and gets
   * its bins when it ends, up to the batch function's 15 minutes later; a window measured sooner would miss it.
   */
  DRIFT_SETTLE_MINUTES: z._default(z.pipe(z.coerce.number(), z.number().check(z.gte(0))), 15),
});
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

/** The monthly audit report (functions/report, `vigie report`): what it reads, and the bucket it writes to. */
export const reportConfigSchema = z.object({
  ...awsEndpoints,
  ...models,
  ...lifecycle,
  VIGIE_STAGE: nonEmpty,
  PREDICTIONS_TABLE: nonEmpty,
  RESULTS_BUCKET: nonEmpty,
  RETENTION_DAYS: positiveInt(90),
  /** Where the processing register and the DPIA are read from: governance/ locally, the package's copy in AWS. */
  GOVERNANCE_DIR: z._default(z.string(), 'governance'),
});
export type ReportConfig = z.infer<typeof reportConfigSchema>;

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
export type LifecycleConfig = z.infer<typeof lifecycleConfigSchema>;
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
/** CSV batches sent through the API in parts (functions/batches): staged in the uploads bucket, results read back. */
export const batchesConfigSchema = z.object({
  ...awsEndpoints,
  ...apiAuth,
  UPLOADS_BUCKET: nonEmpty,
  RESULTS_BUCKET: nonEmpty,
  PREDICTIONS_TABLE: nonEmpty,
});
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
