import { z } from 'zod';
import { DEFAULT_DECODE_LIMITS } from './preprocessing/limits';

/**
 * Configuration is read from the environment once, at cold start, and validated here: a missing or malformed
 * variable fails the container loudly instead of the first request quietly.
 */
const optionalUrl = z
  .string()
  .optional()
  .transform((value) => (value ? value : undefined))
  .pipe(z.url().optional());

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const awsEndpoints = {
  AWS_REGION: z.string().default('eu-west-3'),
  /** Set only on the local stage, where the emulators stand in for S3, DynamoDB and Lambda. */
  VIGIE_S3_ENDPOINT: optionalUrl,
  VIGIE_DYNAMODB_ENDPOINT: optionalUrl,
  VIGIE_LAMBDA_ENDPOINT: optionalUrl,
};

const models = {
  MODELS_DIR: z.string().min(1),
};

/** HTTP routes with a key: keys live in the API keys table; the local stage also takes VIGIE_API_KEY. */
const apiAuth = {
  API_KEYS_TABLE: z.string().min(1),
  VIGIE_API_KEY: z
    .string()
    .optional()
    .transform((value) => value || undefined),
};

const recording = {
  VIGIE_STAGE: z.string().min(1),
  PREDICTIONS_TABLE: z.string().min(1),
  RETENTION_DAYS: positiveInt(90),
  INFER_FUNCTION_NAME: z.string().min(1),
  INFER_ATTEMPTS: positiveInt(3),
  MAX_INPUT_BYTES: positiveInt(6 * 1024 * 1024),
  MAX_INPUT_PIXELS: positiveInt(DEFAULT_DECODE_LIMITS.maxPixels),
  MAX_DECODE_SECONDS: positiveInt(DEFAULT_DECODE_LIMITS.maxDecodeSeconds),
};

/** What the shared prediction path needs, whichever function runs it. */
export const predictionPathConfigSchema = z.object({ ...awsEndpoints, ...models, ...recording });

export const preprocessConfigSchema = predictionPathConfigSchema.extend({
  UPLOADS_BUCKET: z.string().min(1),
  RESULTS_BUCKET: z.string().min(1),
});

export const predictConfigSchema = predictionPathConfigSchema.extend(apiAuth);
export const inferConfigSchema = z.object({ ...models });
export const registryConfigSchema = z.object({ ...awsEndpoints, ...models, ...apiAuth });
export const predictionsConfigSchema = z.object({ ...awsEndpoints, ...apiAuth, PREDICTIONS_TABLE: z.string().min(1) });

export const subjectsConfigSchema = z.object({
  ...awsEndpoints,
  ...apiAuth,
  PREDICTIONS_TABLE: z.string().min(1),
  UPLOADS_BUCKET: z.string().min(1),
  RESULTS_BUCKET: z.string().min(1),
});

export type PredictionPathConfig = z.infer<typeof predictionPathConfigSchema>;
export type AwsEndpointsConfig = z.infer<z.ZodObject<typeof awsEndpoints>>;
export type ApiAuthConfig = AwsEndpointsConfig & z.infer<z.ZodObject<typeof apiAuth>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
