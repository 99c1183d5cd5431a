import { BucketModels } from '../training/model-bucket';
import { createDocumentClient, createLambdaClient, createS3Client } from '../platform/aws';
import { createApiKeyStore } from '../api/http/api-key-store-dynamodb';
import type { ApiAuthConfig, AwsEndpointsConfig, PredictionPathConfig } from '../platform/config';
import { anyOf, createStaticVerifier, createStoreVerifier, hashApiKey, type ApiKeyVerifier } from '../api/http/api-keys';
import type { InvokeInfer } from '../serving/inference/infer-client';
import { reportPrediction } from '../records/observability';
import type { PredictionDeps } from '../serving/prediction';
import { createPseudonymiser, type Pseudonymise } from '../records/pseudonym';
import { createPredictionStore } from '../records/records-dynamodb';
import { createErasureLedger } from '../records/erasure-ledger-dynamodb';
import { createPredictionStats } from '../records/prediction-stats-dynamodb';
import { ModelRegistry } from '../serving/registry';
import { resolveSecret } from '../platform/secrets';
import { createAliasStore } from '../serving/aliases-dynamodb';
import { cachedLifecycle } from '../serving/lifecycle-cache';
import { createShadowHandOver } from '../serving/shadow';
import { keepEnvironmentForWorkAfterAnswers } from '../platform/after-answer';

/**
 * The real side effects of the prediction path, built once per container from validated configuration. The
 * model runs where `invokeInfer` runs it: in this function (predict, /v2: inferInProcess) or in the infer
 * function over Lambda Invoke (preprocess: remoteInfer), so only preprocess carries the Lambda client.
 */
export function createPredictionDeps(
  config: PredictionPathConfig,
  registry: ModelRegistry,
  invokeInfer: InvokeInfer,
): PredictionDeps {
  const documents = createDocumentClient(config);
  return {
    registry,
    invokeInfer,
    store: createPredictionStore(documents, config.PREDICTIONS_TABLE),
    erasures: createErasureLedger(documents, config.ERASURES_TABLE),
    stats: createPredictionStats(documents, config.STATS_TABLE),
    report: reportPrediction,
    now: () => new Date(),
    limits: { maxPixels: config.MAX_INPUT_PIXELS, maxBytes: config.MAX_INPUT_BYTES, maxDecodeSeconds: config.MAX_DECODE_SECONDS },
    retentionDays: config.RETENTION_DAYS,
  };
}

/**
 * The HTTP prediction paths' dependencies (predict, oip): the model in process, and shadowed requests handed to
 * the shadow function (serving/shadow.ts), with the SDK's retries: a reset connection is tried again, not lost.
 */
export function createHttpPredictionDeps(
  config: PredictionPathConfig & { SHADOW_FUNCTION_NAME: string },
  registry: ModelRegistry,
  invokeInfer: InvokeInfer,
): PredictionDeps {
  const shadow = createShadowHandOver(() => createLambdaClient(config, 'sdk'), config.SHADOW_FUNCTION_NAME);
  // The hand-over runs after the answer: in AWS, an extension keeps the environment up until it is made.
  keepEnvironmentForWorkAfterAnswers();
  return { ...createPredictionDeps(config, registry, invokeInfer), shadow };
}

/**
 * Shipped models from MODELS_DIR, trained ones from the models bucket when the function is given one, and the
 * aliases it routes by (cached at most a second, serving/lifecycle-cache.ts) when it is given their table.
 */
export function createModelRegistry(
  config: AwsEndpointsConfig & { MODELS_DIR: string; MODELS_BUCKET?: string | undefined; ALIASES_TABLE?: string },
) {
  const trained = config.MODELS_BUCKET ? new BucketModels(createS3Client(config), config.MODELS_BUCKET) : undefined;
  const lifecycle = config.ALIASES_TABLE
    ? cachedLifecycle(createAliasStore(createDocumentClient(config), config.ALIASES_TABLE))
    : undefined;
  return new ModelRegistry(config.MODELS_DIR, trained, lifecycle);
}

export function createApiKeyVerifier(config: ApiAuthConfig): ApiKeyVerifier {
  const store = createStoreVerifier(createApiKeyStore(createDocumentClient(config), config.API_KEYS_TABLE));
  return config.VIGIE_API_KEY ? anyOf([createStaticVerifier([hashApiKey(config.VIGIE_API_KEY)]), store]) : store;
}

export async function loadPseudonymiser(env: NodeJS.ProcessEnv = process.env): Promise<Pseudonymise> {
  return createPseudonymiser(await resolveSecret('VIGIE_PSEUDONYM_KEY', env));
}
