import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDocumentClient } from '../platform/aws';
import { loadConfig, shadowConfigSchema } from '../platform/config';
import { logger } from '../platform/telemetry';
import { createShadowOutputs } from '../records/shadow-outputs-dynamodb';
import { inferInProcess } from '../serving/inference/infer';
import { SessionCache } from '../serving/inference/sessions';
import type { ShadowCall } from '../serving/shadow';
import { runShadow, type ShadowRunDeps } from '../serving/shadow-run';
import { createModelRegistry, createPredictionDeps } from '../wiring/wiring';

const config = loadConfig(shadowConfigSchema);
// Module scope: the shadow version's session is loaded once per container, as predict's are.
const sessions = new SessionCache();
const deps: ShadowRunDeps = {
  prediction: createPredictionDeps(config, createModelRegistry(config), inferInProcess({ sessions })),
  sessions,
  outputs: createShadowOutputs(createDocumentClient(config), config.PREDICTIONS_TABLE),
  attach: { attempts: config.SHADOW_ATTACH_ATTEMPTS, delayMs: config.SHADOW_ATTACH_DELAY_MS },
};

/**
 * Invoked asynchronously (InvocationType Event) by predict and oip for the requests in the shadow's share, after
 * their answer is made: runs the shadow version and stores its output on the production record. Never retried
 * (serverless.yml): a lost shadow output costs one comparison, a retry could score the input twice.
 */
async function lambdaHandler(event: ShadowCall): Promise<void> {
  logger.setCorrelationId(event.requestId);
  await runShadow(deps, event);
}

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
